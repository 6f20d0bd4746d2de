package dev.gryt.server.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.ResourceKey;
import dev.gryt.store.Mutation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplyPlannerTest {
  private static final ApplyOptions PLAIN = new ApplyOptions(false, false, null);

  @Test
  void newResourceIsCreated() {
    ApplyPlan plan = ApplyPlanner.plan(List.of(pipeline("a", "make")), Map.of(), List.of(), PLAIN);

    assertThat(plan.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action()).isEqualTo(ApplyAction.CREATED);
              assertThat(r.kind()).isEqualTo("Pipeline");
              assertThat(r.namespace()).isEqualTo("default");
            });
    assertThat(plan.mutations()).singleElement().isInstanceOf(Mutation.Create.class);
  }

  @Test
  void sameSpecIsUnchangedAndWritesNothing() {
    Pipeline stored = stored(pipeline("a", "make"), "pipe-000000000001", "7");

    ApplyPlan plan =
        ApplyPlanner.plan(List.of(pipeline("a", "make")), current(stored), List.of(), PLAIN);

    assertThat(plan.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action()).isEqualTo(ApplyAction.UNCHANGED);
              assertThat(r.id()).isEqualTo("pipe-000000000001");
            });
    assertThat(plan.changesAnything()).isFalse();
  }

  @Test
  void changedFieldIsConfiguredWithItsDiffAndCarriesTheStoredVersion() {
    Pipeline stored = stored(pipeline("a", "make"), "pipe-000000000001", "7");

    ApplyPlan plan =
        ApplyPlanner.plan(List.of(pipeline("a", "make test")), current(stored), List.of(), PLAIN);

    assertThat(plan.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action()).isEqualTo(ApplyAction.CONFIGURED);
              assertThat(r.diff())
                  .extracting(FieldDiff::path)
                  .containsExactly("spec.steps[0].command");
              assertThat(r.diff().get(0).old().asText()).isEqualTo("make");
              assertThat(r.diff().get(0).updated().asText()).isEqualTo("make test");
            });
    Mutation.Update update = (Mutation.Update) plan.mutations().get(0);
    assertThat(update.resource().getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(update.resource().getMetadata().getLabels())
        .containsEntry(GrytResource.ID_LABEL, "pipe-000000000001");
  }

  @Test
  void secretValuesNeverAppearInADiff() {
    GitHubRepo stored = stored(repo("r", "old-token"), "repo-000000000001", "3");

    ApplyPlan plan =
        ApplyPlanner.plan(List.of(repo("r", "new-token")), current(stored), List.of(), PLAIN);

    FieldDiff d = plan.results().get(0).diff().get(0);
    assertThat(d.path()).isEqualTo("spec.access_token");
    assertThat(d.old().asText()).isEqualTo("<redacted>");
    assertThat(d.updated().asText()).isEqualTo("<redacted>");
  }

  @Test
  void pruneDeletesOnlyMembersOfTheSetThatAreNoLongerNamed() {
    ApplyOptions prune = new ApplyOptions(false, true, "team-a");
    Pipeline kept = stored(pipeline("kept", "make"), "pipe-000000000001", "2");
    Pipeline gone = stored(pipeline("gone", "make"), "pipe-000000000002", "3");
    kept.getMetadata().getLabels().put(GrytResource.APPLYSET_LABEL, "team-a");
    gone.getMetadata().getLabels().put(GrytResource.APPLYSET_LABEL, "team-a");

    ApplyPlan plan =
        ApplyPlanner.plan(
            List.of(pipeline("kept", "make")), current(kept, gone), List.of(kept, gone), prune);

    assertThat(plan.results())
        .extracting(ApplyResult::name, ApplyResult::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("kept", ApplyAction.UNCHANGED),
            org.assertj.core.groups.Tuple.tuple("gone", ApplyAction.PRUNED));
    assertThat(plan.mutations()).singleElement().isInstanceOf(Mutation.Delete.class);
  }

  @Test
  void applyingUnderASetLabelsTheResourceAndCountsAsAChange() {
    Pipeline stored = stored(pipeline("a", "make"), "pipe-000000000001", "7");

    ApplyPlan plan =
        ApplyPlanner.plan(
            List.of(pipeline("a", "make")),
            current(stored),
            List.of(),
            new ApplyOptions(false, false, "team-a"));

    assertThat(plan.results().get(0).action()).isEqualTo(ApplyAction.CONFIGURED);
    assertThat(plan.results().get(0).diff())
        .extracting(FieldDiff::path)
        .containsExactly("metadata.labels.gryt.io/applyset");
  }

  @Test
  void applyWithoutASetKeepsTheSetLabelAlreadyThere() {
    Pipeline stored = stored(pipeline("a", "make"), "pipe-000000000001", "7");
    stored.getMetadata().getLabels().put(GrytResource.APPLYSET_LABEL, "team-a");

    ApplyPlan plan =
        ApplyPlanner.plan(List.of(pipeline("a", "make")), current(stored), List.of(), PLAIN);

    assertThat(plan.results().get(0).action()).isEqualTo(ApplyAction.UNCHANGED);
  }

  private static Pipeline pipeline(String name, String command) {
    Pipeline p = new Pipeline();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "build";
    step.command = command;
    spec.steps = List.of(step);
    p.setSpec(spec);
    return p;
  }

  private static GitHubRepo repo(String name, String token) {
    GitHubRepo r = new GitHubRepo();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    GitHubRepoSpec spec = new GitHubRepoSpec();
    spec.gitUrl = "https://github.com/acme/app";
    spec.branch = "main";
    spec.accessToken = token;
    r.setSpec(spec);
    return r;
  }

  private static <R extends GrytResource<?, ?>> R stored(R r, String id, String rv) {
    r.getMetadata().setNamespace("default");
    r.getMetadata().setResourceVersion(rv);
    r.getMetadata().setUid("uid-" + id);
    r.getMetadata().setLabels(new HashMap<>(Map.of(GrytResource.ID_LABEL, id)));
    return r;
  }

  private static Map<ResourceKey, GrytResource<?, ?>> current(GrytResource<?, ?>... stored) {
    Map<ResourceKey, GrytResource<?, ?>> m = new HashMap<>();
    for (GrytResource<?, ?> r : stored) {
      m.put(ResourceKey.of(r), r);
    }
    return m;
  }
}
