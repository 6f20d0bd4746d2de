package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.store.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ReleaseStore} keeps; run on SQLite and PostgreSQL. */
abstract class ReleaseStoreContract {
  private TestDatabase database;
  private ResourceStore store;
  private ReleaseStore releases;

  protected abstract TestDatabase newDatabase();

  @BeforeEach
  void open() {
    database = newDatabase();
    store = StoreFactory.open(database.url());
    releases = store.releases();
  }

  @AfterEach
  void close() {
    store.close();
    database.close();
  }

  private static Generation draft(String account, String version) {
    return new Generation(
        null,
        account,
        version,
        "d",
        "[{\"id\":\"A-1\",\"type\":\"add\",\"title\":\"t\"}]",
        Generation.DRAFT,
        null,
        null,
        null,
        null);
  }

  @Test
  void storesGenerationsPerAccountWithUniqueVersions() {
    Generation a = releases.createGeneration(draft("acct-a", "v1.0.0"));
    assertThat(a.id()).startsWith("gen-");
    releases.createGeneration(draft("acct-b", "v1.0.0"));
    assertThatThrownBy(() -> releases.createGeneration(draft("acct-a", "v1.0.0")))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("v1.0.0");

    assertThat(releases.generations("acct-a", null))
        .extracting(Generation::id)
        .containsExactly(a.id());
    assertThat(releases.generations("acct-a", "v1.0.0")).hasSize(1);
    assertThat(releases.generations("acct-a", "v2.0.0")).isEmpty();
    assertThat(releases.generation("acct-b", a.id())).as("another account's").isEmpty();
    assertThat(releases.deleteGeneration("acct-b", a.id())).isFalse();
    assertThat(releases.generation("acct-a", a.id())).contains(a);
  }

  @Test
  void updatesAndPromotesAndRefusesATakenVersion() {
    Generation a = releases.createGeneration(draft("acct-a", "v1.0.0"));
    releases.createGeneration(draft("acct-a", "v2.0.0"));
    Generation promoted =
        releases.updateGeneration(
            new Generation(
                a.id(),
                "acct-a",
                "v1.0.1",
                "new",
                "[]",
                Generation.PROMOTED,
                "ann",
                "2026-01-01T00:00:00Z",
                null,
                null));
    assertThat(releases.generation("acct-a", a.id()).orElseThrow())
        .extracting(
            Generation::version, Generation::status, Generation::promotedBy, Generation::createdAt)
        .containsExactly("v1.0.1", "promoted", "ann", a.createdAt());
    assertThatThrownBy(
            () ->
                releases.updateGeneration(
                    new Generation(
                        a.id(), "acct-a", "v2.0.0", "", "[]", "draft", null, null, null, null)))
        .isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(
            () ->
                releases.updateGeneration(
                    new Generation(
                        a.id(), "acct-b", "v9.0.0", "", "[]", "draft", null, null, null, null)))
        .isInstanceOf(NotFoundException.class);
    assertThat(promoted.promoted()).isTrue();
  }

  @Test
  void keepsEvolutionsOfAGenerationAndDeletesThemWithIt() {
    Generation g = releases.createGeneration(draft("acct-a", "v1.0.0"));
    Evolution e =
        releases.createEvolution(
            new Evolution(
                null,
                "acct-a",
                g.id(),
                "A-1",
                "smooth-summer-horizon",
                "in_progress",
                null,
                null,
                null,
                null,
                null));
    assertThat(e.id()).startsWith("evo-");
    assertThatThrownBy(
            () ->
                releases.createEvolution(
                    new Evolution(
                        null,
                        "acct-a",
                        g.id(),
                        "A-1",
                        "smooth-summer-horizon",
                        "pass",
                        null,
                        null,
                        null,
                        null,
                        null)))
        .isInstanceOf(AlreadyExistsException.class);
    Evolution passed =
        releases.updateEvolution(
            new Evolution(
                e.id(),
                "acct-a",
                null,
                null,
                null,
                "pass",
                "ci",
                null,
                "2026-01-01T00:00:00Z",
                null,
                null));
    assertThat(passed.changeId()).isEqualTo("A-1");
    assertThat(releases.evolutions("acct-a", g.id()))
        .extracting(Evolution::status)
        .containsExactly("pass");
    assertThat(releases.evolutions("acct-b", null)).isEmpty();

    assertThat(releases.deleteGeneration("acct-a", g.id())).isTrue();
    assertThat(releases.evolutions("acct-a", null)).isEmpty();
  }

  @Test
  void keepsWhatTheOriginalClientSendsBesidesGrytsOwnFields() {
    Generation g =
        releases.createGeneration(
            new Generation(
                null,
                "acct-a",
                "v3.0.0",
                "d",
                "[{\"id\":\"CHANGE-3790A31F\",\"type\":\"add\",\"title\":\"t\"}]",
                Generation.DRAFT,
                null,
                null,
                null,
                null,
                "17",
                "{\"steps\":[\"test\"]}"));
    assertThat(releases.generation("acct-a", g.id()).orElseThrow())
        .extracting(Generation::clientId, Generation::pipelineTemplate)
        .containsExactly("17", "{\"steps\":[\"test\"]}");
    Evolution e =
        releases.createEvolution(
            new Evolution(
                null,
                "acct-a",
                g.id(),
                "CHANGE-3790A31F",
                "calm-river",
                "in_progress",
                null,
                null,
                null,
                null,
                null,
                "5",
                "v3.0.0-calm-river",
                null,
                "ann"));
    Evolution passed =
        releases.updateEvolution(
            new Evolution(
                e.id(),
                "acct-a",
                null,
                null,
                null,
                "pass",
                null,
                null,
                "2026-01-01T00:00:00Z",
                null,
                null,
                null,
                null,
                "run-77",
                null));
    assertThat(releases.evolution("acct-a", e.id()).orElseThrow())
        .isEqualTo(passed)
        .extracting(
            Evolution::clientId, Evolution::tag, Evolution::pipelineRunId, Evolution::createdBy)
        .containsExactly("5", "v3.0.0-calm-river", "run-77", "ann");
  }

  @Test
  void keepsProofRunsPerAccountReplacingOneWithTheSameId() {
    ProofRun first =
        releases.putProofRun(
            new ProofRun("acct-a", "run-1", "ci", "running", "t0", null, "{}", null, null));
    ProofRun again =
        releases.putProofRun(
            new ProofRun(
                "acct-a", "run-1", "ci", "completed", "t0", "t1", "{\"a\":1}", null, null));
    releases.putProofRun(
        new ProofRun("acct-a", "run-2", "ci", "failed", null, null, "{}", null, null));
    releases.putProofRun(
        new ProofRun("acct-b", "run-1", "x", "failed", null, null, "{}", null, null));

    assertThat(again.createdAt()).isEqualTo(first.createdAt());
    assertThat(releases.proofRun("acct-a", "run-1").orElseThrow())
        .extracting(ProofRun::status, ProofRun::endedAt, ProofRun::bodyJson)
        .containsExactly("completed", "t1", "{\"a\":1}");
    assertThat(releases.proofRuns("acct-a", 10))
        .extracting(ProofRun::pipelineId)
        .containsExactlyInAnyOrder("run-1", "run-2");
    assertThat(releases.proofRuns("acct-a", 1)).hasSize(1);
    assertThat(releases.proofRun("acct-b", "run-2")).as("another account's").isEmpty();
    assertThat(releases.proofRun("acct-b", "run-1").orElseThrow().name()).isEqualTo("x");

    assertThat(releases.pruneProofRuns("acct-a", 1)).isEqualTo(1);
    assertThat(releases.proofRuns("acct-a", 10)).hasSize(1);
    assertThat(releases.proofRuns("acct-b", 10)).as("another account's stay").hasSize(1);
  }
}
