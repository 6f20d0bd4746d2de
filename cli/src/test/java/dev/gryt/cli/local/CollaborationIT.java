package dev.gryt.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import dev.gryt.server.ApiServer;
import dev.gryt.store.Generation;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two developers, each with their own project directory and {@code GRYT_HOME}, against one real
 * {@link ApiServer} on a SQLite store; {@link CollaborationPostgresIT} runs the same on PostgreSQL.
 * Assertions are on what each machine's {@code gryt} prints and what the server stores.
 */
class CollaborationIT {
  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  LocalProject ann;
  LocalProject bob;

  String storeUrl() {
    return "sqlite:" + dir.resolve("server.db");
  }

  @BeforeEach
  void start() throws Exception {
    store = StoreFactory.open(storeUrl());
    server = ApiServer.start(store, "127.0.0.1", 0);
    String url = "http://127.0.0.1:" + server.port();
    ann = new LocalProject(dir.resolve("ann"), url).gitRepo().init();
    bob = new LocalProject(dir.resolve("bob"), url).gitRepo().init();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private List<Generation> cloud() {
    return store.releases().generations(dev.gryt.server.http.Principal.ADMIN_ID, null);
  }

  private Generation cloud(String version) {
    return cloud().stream().filter(g -> g.version().equals(version)).findFirst().orElseThrow();
  }

  @Test
  void independentReleasesInHybridModeMeetWithoutConflict() throws Exception {
    ann.ok("sync", "config", "--mode", "hybrid");
    bob.ok("sync", "config", "--mode", "hybrid");
    ann.generation("1.0.0", "ANN-1");
    assertThat(cloud()).as("hybrid pushes no plain creation").isEmpty();
    ann.prove("v1.0.0", "ANN-1");
    assertThat(cloud("v1.0.0").status())
        .as("a passing proof takes its generation up")
        .isEqualTo("draft");
    assertThat(ann.ok("generation", "promote", "v1.0.0").out())
        .contains("pushed promotion of v1.0.0");
    bob.generation("2.0.0", "BOB-1");
    bob.prove("v2.0.0", "BOB-1");
    bob.ok("generation", "promote", "v2.0.0");

    assertThat(cloud())
        .extracting(Generation::version, Generation::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("v1.0.0", "promoted"),
            org.assertj.core.groups.Tuple.tuple("v2.0.0", "promoted"));
    assertThat(ann.ok("sync", "pull").out())
        .contains("pulled generation v2.0.0 (promoted)")
        .contains("0 conflict(s)");
    assertThat(bob.ok("sync", "pull").out()).contains("pulled generation v1.0.0 (promoted)");
    assertThat(bob.show("v1.0.0", "status")).isEqualTo("promoted");
    assertThat(bob.show("v1.0.0", "sync_status")).isEqualTo("synced");
    assertThat(bob.show("v1.0.0", "remote_id")).isEqualTo(cloud("v1.0.0").id());
    assertThat(bob.generationFile("v1.0.0")).content().contains("ANN-1");
    assertThat(ann.ok("evolution", "list", "v2.0.0").out()).contains("BOB-1").contains("pass");
    assertThat(ann.ok("sync", "status").out())
        .contains("v1.0.0")
        .contains("synced")
        .doesNotContain("conflict");
  }

  @Test
  void collaborativeReleaseProvenByTwoAndPromotedByOne() throws Exception {
    ann.ok("sync", "config", "--mode", "hybrid");
    bob.ok("sync", "config", "--mode", "hybrid");
    ann.generation("3.0.0", "API-1", "API-2");
    ann.ok("sync", "push");
    String remoteId = cloud("v3.0.0").id();
    assertThat(ann.show("v3.0.0", "remote_id")).isEqualTo(remoteId);

    bob.ok("sync", "pull");
    assertThat(bob.show("v3.0.0", "remote_id")).isEqualTo(remoteId);
    ann.prove("v3.0.0", "API-1");
    bob.prove("v3.0.0", "API-2");
    assertThat(store.releases().evolutions(dev.gryt.server.http.Principal.ADMIN_ID, remoteId))
        .extracting(dev.gryt.store.Evolution::changeId)
        .containsExactlyInAnyOrder("API-1", "API-2");

    assertThat(ann.fails("generation", "promote", "v3.0.0").err())
        .contains("API-2")
        .contains("gryt sync pull");
    ann.ok("sync", "pull");
    ann.ok("generation", "promote", "v3.0.0");
    assertThat(cloud("v3.0.0").status()).isEqualTo("promoted");

    assertThat(bob.ok("sync", "pull").out())
        .contains("updated generation v3.0.0 from the cloud (promoted)");
    assertThat(bob.show("v3.0.0", "status")).isEqualTo("promoted");
    assertThat(bob.fails("evolution", "start", "v3.0.0", "--change", "API-1").err())
        .contains("immutable");
  }

  @Test
  void conflictingVersionsAreRefusedAndResolvedByRenameLosingNothing() throws Exception {
    ann.generation("4.0.0", "ANN-4");
    bob.generation("4.0.0", "BOB-4");
    ann.ok("sync", "push");

    CliRun.Result refused = bob.fails("sync", "push");
    assertThat(refused.err())
        .contains("v4.0.0 already exists in the cloud as " + cloud("v4.0.0").id())
        .contains("gryt sync pull")
        .contains("gryt generation rename");
    assertThat(bob.show("v4.0.0", "sync_status")).isEqualTo("conflict");
    CliRun.Result pulled = bob.run("sync", "pull");
    assertThat(pulled.exitCode()).as("a conflicting pull says so").isEqualTo(1);
    assertThat(pulled.err()).contains("conflict:").contains("gryt generation rename");
    assertThat(bob.generationFile("v4.0.0"))
        .content()
        .as("never overwrites local work")
        .contains("BOB-4");

    bob.ok("generation", "rename", "v4.0.0", "v4.0.1");
    assertThat(bob.show("v4.0.1", "sync_status")).isEqualTo("not_synced");
    bob.ok("sync", "push");
    ann.ok("sync", "pull");
    bob.ok("sync", "pull");

    for (LocalProject p : List.of(ann, bob)) {
      assertThat(p.db("SELECT version, sync_status FROM generations ORDER BY version"))
          .containsExactly("v4.0.0|synced", "v4.0.1|synced");
      assertThat(p.generationFile("v4.0.0")).content().contains("ANN-4");
      assertThat(p.generationFile("v4.0.1")).content().contains("BOB-4");
    }
    assertThat(cloud())
        .extracting(Generation::version)
        .containsExactlyInAnyOrder("v4.0.0", "v4.0.1");
  }

  @Test
  void cloudModePushesEveryEventAndAFailedPushIsRetriedLater() throws Exception {
    ann.ok("sync", "config", "--mode", "cloud");
    ann.generation("5.0.0", "C-1");
    assertThat(cloud("v5.0.0").changesJson()).contains("C-1");
    ann.ok("evolution", "start", "v5.0.0", "--change", "C-1");
    assertThat(store.releases().evolutions(dev.gryt.server.http.Principal.ADMIN_ID, null))
        .hasSize(1);

    LocalProject offline = new LocalProject(dir.resolve("ann"), "http://127.0.0.1:1");
    CliRun.Result saved = offline.ok("generation", "new", "6.0.0");
    assertThat(saved.err()).contains("warning:").contains("not synced").contains("gryt sync push");
    assertThat(offline.show("v6.0.0", "sync_status")).isEqualTo("failed");
    assertThat(offline.ok("sync", "status", "--version", "6.0.0").out()).contains("failed");
    assertThat(offline.fails("sync", "push").err()).contains("cannot reach gryt server");

    assertThat(ann.ok("sync", "push", "--evolutions").out()).contains("pushed generation v6.0.0");
    assertThat(ann.show("v6.0.0", "sync_status")).isEqualTo("synced");
    assertThat(ann.ok("sync", "push").out()).contains("nothing to push");

    ann.ok("generation", "delete", "v6.0.0");
    assertThat(cloud()).extracting(Generation::version).containsExactly("v5.0.0");
  }

  @Test
  void aPullNeverOverwritesLocalEdits() throws Exception {
    ann.ok("sync", "config", "--mode", "hybrid");
    bob.ok("sync", "config", "--mode", "hybrid");
    ann.generation("7.0.0", "SHARED-1");
    ann.ok("sync", "push");
    bob.ok("sync", "pull");
    bob.edit("v7.0.0", "SHARED-1", "BOB-7");
    assertThat(bob.ok("sync", "push").out()).contains("pushed changes of generation v7.0.0");
    assertThat(cloud("v7.0.0").changesJson()).contains("BOB-7");

    // Ann edited her copy meanwhile, unaware of Bob's push.
    ann.edit("v7.0.0", "SHARED-1", "ANN-7");
    assertThat(ann.ok("sync", "pull").out())
        .contains("kept local changes to v7.0.0")
        .doesNotContain("updated generation v7.0.0");

    assertThat(ann.generationFile("v7.0.0")).content().contains("ANN-7").doesNotContain("BOB-7");
    assertThat(ann.ok("generation", "show", "v7.0.0").out())
        .contains("ANN-7")
        .doesNotContain("BOB-7");
    assertThat(ann.show("v7.0.0", "sync_status")).isEqualTo("not_synced");
    // The cloud keeps Bob's until Ann pushes: a pull writes nothing up either.
    assertThat(cloud("v7.0.0").changesJson()).contains("BOB-7").doesNotContain("ANN-7");
  }

  @Test
  void aPullNeverOverwritesAGenerationFileEditedButNotYetReadIn() throws Exception {
    ann.generation("7.1.0", "SHARED-1");
    ann.ok("sync", "push");
    bob.ok("sync", "pull");
    bob.edit("v7.1.0", "SHARED-1", "BOB-71");
    bob.ok("sync", "push");

    // Ann is editing her file and has not run `generation update` yet: gryt.db still says synced.
    java.nio.file.Path file = ann.generationFile("v7.1.0");
    String draft =
        java.nio.file.Files.readString(file)
            + "  - id: ANN-71\n    type: add\n    title: ANN-71 title\n";
    java.nio.file.Files.writeString(file, draft);
    assertThat(ann.ok("sync", "pull").out()).contains("kept local changes to v7.1.0");

    assertThat(file).content().isEqualTo(draft);
    ann.ok("generation", "update", "v7.1.0");
    assertThat(ann.ok("generation", "show", "v7.1.0").out()).contains("ANN-71");
  }

  @Test
  void localModeNeverPushes() throws Exception {
    ann.ok("sync", "config", "--mode", "local");
    ann.generation("8.0.0", "L-1", "L-2");
    ann.edit("v8.0.0", "L-1");
    ann.prove("v8.0.0", "L-1");
    ann.ok("generation", "promote", "v8.0.0");

    assertThat(cloud()).as("no generation went up").isEmpty();
    assertThat(store.releases().evolutions(dev.gryt.server.http.Principal.ADMIN_ID, null))
        .as("no evolution went up")
        .isEmpty();
    assertThat(ann.show("v8.0.0", "sync_status")).isEqualTo("not_synced");
    assertThat(ann.db("SELECT status, sync_status FROM evolutions"))
        .containsExactly("pass|not_synced");

    // The server was there all along: asked to, the same project pushes to it.
    ann.ok("sync", "push");
    assertThat(cloud("v8.0.0").status()).isEqualTo("promoted");
  }

  @Test
  void hybridDoesNotPushFailingEvolutions() throws Exception {
    ann.ok("sync", "config", "--mode", "hybrid");
    ann.ok("config", "default_pipeline", "ci");
    java.nio.file.Files.writeString(
        ann.dir.resolve(".gryt/pipelines/red.yaml"),
        "apiVersion: gryt.io/v1\nkind: Pipeline\nmetadata: {name: red}\n"
            + "spec:\n  steps: [{name: s, command: exit 1}]\n");
    ann.generation("9.0.0", "H-1");
    String red =
        ann.ok("evolution", "start", "v9.0.0", "--change", "H-1").outLines().get(0).split(" ")[2];
    assertThat(ann.run("evolution", "prove", red, "--pipeline", "red").exitCode()).isEqualTo(1);

    assertThat(cloud()).as("a failed proof takes its generation nowhere").isEmpty();
    assertThat(store.releases().evolutions(dev.gryt.server.http.Principal.ADMIN_ID, null))
        .isEmpty();

    // A passing proof of the same change does go up, and only it.
    String green = ann.prove("v9.0.0", "H-1");
    assertThat(store.releases().evolutions(dev.gryt.server.http.Principal.ADMIN_ID, null))
        .extracting(dev.gryt.store.Evolution::codeName, dev.gryt.store.Evolution::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(green, "pass"));
    assertThat(ann.db("SELECT code_name, status, sync_status FROM evolutions ORDER BY id"))
        .containsExactly(red + "|fail|not_synced", green + "|pass|synced");
  }

  @Test
  void aProvenEvolutionTakesTheRunThatProvedItUp() throws Exception {
    ann.ok("sync", "config", "--mode", "hybrid");
    ann.generation("10.0.0", "CHANGE-3790A31F");
    String codeName = ann.prove("v10.0.0", "CHANGE-3790A31F");
    String runId = ann.db("SELECT run_id FROM evolutions").get(0);
    assertThat(runId).startsWith("run-");

    String admin = dev.gryt.server.http.Principal.ADMIN_ID;
    dev.gryt.store.Evolution e =
        store.releases().evolutions(admin, null).stream()
            .filter(x -> x.codeName().equals(codeName))
            .findFirst()
            .orElseThrow();
    assertThat(e.changeId()).isEqualTo("CHANGE-3790A31F");
    assertThat(e.pipelineRunId()).isEqualTo(runId);
    dev.gryt.store.ProofRun run = store.releases().proofRun(admin, runId).orElseThrow();
    assertThat(run.status()).isEqualTo("pass");
    assertThat(run.bodyJson()).contains("\"step_outputs\"").contains("\"stdout\"");
  }

  @Test
  void cloudSyncBackfillsForcesAndNeverOverwritesAPromotedGeneration() throws Exception {
    ann.ok("sync", "config", "--mode", "local");
    ann.generation("5.0.0", "ANN-5");
    ann.prove("v5.0.0", "ANN-5");

    assertThat(ann.ok("cloud", "sync", "--dry-run").out())
        .contains("would create generation v5.0.0; would push 1 evolution(s)")
        .contains("nothing changed");
    assertThat(cloud()).as("a dry run changes nothing").isEmpty();

    assertThat(ann.ok("cloud", "sync").out()).contains("synced 1 of 1 generation(s)");
    Generation pushed = cloud("v5.0.0");
    assertThat(store.releases().evolutions(dev.gryt.server.http.Principal.ADMIN_ID, pushed.id()))
        .hasSize(1);
    assertThat(ann.ok("cloud", "sync").out()).contains("nothing to sync");

    // Someone edits the server's copy: a backfill does not overwrite it unless forced.
    store
        .releases()
        .updateGeneration(
            new Generation(
                pushed.id(),
                pushed.accountId(),
                pushed.version(),
                "edited on the server",
                pushed.changesJson(),
                pushed.status(),
                null,
                null,
                null,
                null));
    CliRun.Result dry = ann.run("cloud", "sync", "--all", "--dry-run");
    assertThat(dry.exitCode())
        .as("a dry run that finds a conflict says so in its exit code")
        .isOne();
    assertThat(dry.err())
        .contains("would conflict: generation v5.0.0 changed in the cloud since it was synced");
    assertThat(ann.fails("cloud", "sync", "--all").err()).contains("--force");
    assertThat(cloud("v5.0.0").description()).isEqualTo("edited on the server");
    ann.ok("cloud", "sync", "--all", "--force");
    assertThat(cloud("v5.0.0").description()).isEqualTo("release v5.0.0");

    // A promoted generation under the same version stays as it is, forced or not.
    bob.ok("sync", "config", "--mode", "local");
    bob.generation("6.0.0", "BOB-6");
    ann.generation("6.0.0", "ANN-6");
    ann.prove("v6.0.0", "ANN-6");
    ann.ok("generation", "promote", "v6.0.0");
    ann.ok("cloud", "sync");
    assertThat(cloud("v6.0.0").status()).isEqualTo("promoted");
    assertThat(bob.fails("cloud", "sync").err()).contains("already exists in the cloud");
    assertThat(bob.fails("cloud", "sync", "--force").err())
        .contains("is promoted in the cloud as " + cloud("v6.0.0").id())
        .contains("stays as it is");
    assertThat(cloud("v6.0.0").changesJson()).contains("ANN-6").doesNotContain("BOB-6");
  }
}
