package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobSpec;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * "Who refers to whom" as the reconcilers declare it ({@link Reconciler#references()}): every kind
 * a reconciler reads is declared, and a change wakes exactly the resources whose decision it can
 * move. Both drivers derive their wake-ups from these declarations (the loop through {@link
 * Reference#dependents}, the Kubernetes driver through one informer per reference).
 */
class ReferencesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final World world = new World();
  final List<Reconciler<?, ?>> reconcilers =
      List.of(
          new PipelineReconciler(),
          ReconcilersTest.reachable(),
          new JobReconciler(),
          new WebhookReconciler(),
          new JobRunReconciler());

  @Test
  void everyKindAReconcilerReadsIsDeclared() {
    world.add(ReconcilersTest.pipeline("p", "make", null));
    world.add(ReconcilersTest.repo("r", "https://github.com/a/b"));
    Job job = world.add(ReconcilersTest.job("j", "p", "r"));
    job.getSpec().maxConcurrentRuns = 1;
    Webhook webhook = world.add(webhook("w", "j"));
    JobRun run = world.add(RunPolicyTest.run("run-1", 0, "Pending"));
    world.add(RunPolicyTest.run("run-2", 1, "-"));

    assertThat(readBy(new JobReconciler(), job))
        .containsExactlyInAnyOrderElementsOf(declared(new JobReconciler()));
    assertThat(declared(new JobReconciler()))
        .containsExactlyInAnyOrder(Pipeline.class, GitHubRepo.class, JobRun.class);
    assertThat(declared(new WebhookReconciler()))
        .containsExactlyElementsOf(readBy(new WebhookReconciler(), webhook));
    assertThat(declared(new JobRunReconciler())).containsAll(readBy(new JobRunReconciler(), run));
    assertThat(declared(new PipelineReconciler())).isEmpty();
    assertThat(declared(ReconcilersTest.reachable())).isEmpty();
  }

  @Test
  void aPipelineOrRepoWakesTheJobsNamingItInItsNamespaceOnly() {
    Pipeline pipeline = world.add(ReconcilersTest.pipeline("p", "make", null));
    GitHubRepo repo = world.add(ReconcilersTest.repo("r", "https://github.com/a/b"));
    world.add(ReconcilersTest.job("uses-both", "p", "r"));
    world.add(ReconcilersTest.job("uses-p", "p", null));
    world.add(ReconcilersTest.job("other", "q", null));
    Job elsewhere = world.add(ReconcilersTest.job("elsewhere", "p", "r"));
    elsewhere.getMetadata().setNamespace("team-b");

    assertThat(woken(pipeline, false)).containsExactlyInAnyOrder("Job uses-both", "Job uses-p");
    assertThat(woken(repo, true)).containsExactly("Job uses-both");
  }

  @Test
  void aJobWakesItsWebhooksAndRuns() {
    Job job = world.add(ReconcilersTest.job("j", "p", null));
    world.add(webhook("w", "j"));
    world.add(webhook("other", "k"));
    world.add(RunPolicyTest.run("run-1", 0, "Pending"));

    assertThat(woken(job, false)).containsExactlyInAnyOrder("Webhook w", "JobRun run-1");
  }

  @Test
  void onlyAFinishedRunWakesItsJobForItsHistory() {
    world.add(ReconcilersTest.job("j", "p", null));
    JobRun running = world.add(RunPolicyTest.run("running", 0, "Running"));
    JobRun done = world.add(RunPolicyTest.run("done", 1, "Succeeded"));

    assertThat(woken(running, false)).isEmpty();
    assertThat(woken(done, false)).containsExactly("Job j");
  }

  @Test
  void aRunWakesOnlyTheSiblingsWhoseConcurrencyVerdictItCanMove() {
    Job job = world.add(ReconcilersTest.job("j", "p", null));
    JobRun first = world.add(RunPolicyTest.run("first", 0, "Running"));
    world.add(RunPolicyTest.run("second", 1, "Pending"));
    world.add(RunPolicyTest.run("third", 2, "Pending"));

    // Under plain allow no sibling's verdict depends on another run: they are not even listed.
    first.getStatus().phase = "Succeeded";
    world.read.clear();
    assertThat(woken(first, false)).containsExactly("Job j");
    assertThat(world.read).doesNotContain(JobRun.class);

    // Under a limit of one, the finished run frees one slot: the oldest waiting run takes it.
    job.getSpec().maxConcurrentRuns = 1;
    assertThat(woken(first, false)).containsExactlyInAnyOrder("Job j", "JobRun second");
    first.getStatus().phase = "Running";
    assertThat(woken(first, true)).containsExactly("JobRun second");

    // Under replace, a new run ends the older unfinished ones.
    job.getSpec().concurrencyPolicy = JobSpec.REPLACE;
    JobRun newest = world.add(RunPolicyTest.run("newest", 3, "-"));
    assertThat(woken(newest, false))
        .containsExactlyInAnyOrder("JobRun first", "JobRun second", "JobRun third");
  }

  @Test
  void aRunsPipelineOrRepoIsReadButWakesNoRun() {
    Pipeline pipeline = world.add(ReconcilersTest.pipeline("p", "make", null));
    world.add(RunPolicyTest.run("run-1", 0, "Pending"));
    Reference<JobRun, ?> toPipeline =
        new JobRunReconciler()
            .references().stream()
                .filter(r -> r.type() == Pipeline.class)
                .findFirst()
                .orElseThrow();
    assertThat(toPipeline.wakes()).isFalse();
    assertThat(toPipeline.dependents(pipeline, false, world)).isEmpty();
  }

  /** What the loop queues after {@code changed} changed: "Kind name" of each dependent. */
  private List<String> woken(GrytResource<?, ?> changed, boolean gone) {
    List<String> out = new ArrayList<>();
    for (Reconciler<?, ?> reconciler : reconcilers) {
      for (Reference<?, ?> reference : reconciler.references()) {
        reference
            .dependents(changed, gone, world)
            .forEach(r -> out.add(r.getClass().getSimpleName() + " " + r.getMetadata().getName()));
      }
    }
    return out;
  }

  private static Set<Class<?>> declared(Reconciler<?, ?> reconciler) {
    Set<Class<?>> types = new HashSet<>();
    reconciler.references().forEach(r -> types.add(r.type()));
    return types;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Set<Class<?>> readBy(Reconciler reconciler, GrytResource<?, ?> resource) {
    world.read.clear();
    reconciler.reconcile(resource, world, T0);
    return new HashSet<>(world.read);
  }

  static Webhook webhook(String name, String job) {
    Webhook w = new Webhook();
    w.setMetadata(ReconcilersTest.meta(name));
    w.setSpec(new WebhookSpec());
    w.getSpec().jobName = job;
    return w;
  }

  /** Resources by kind and namespace, remembering which kinds were read. */
  static final class World implements Lookup {
    final List<GrytResource<?, ?>> objects = new ArrayList<>();
    final Set<Class<?>> read = new HashSet<>();

    <R extends GrytResource<?, ?>> R add(R r) {
      objects.add(r);
      return r;
    }

    @Override
    public <R extends GrytResource<?, ?>> Optional<R> get(
        Class<R> type, String namespace, String name) {
      return list(type, namespace).stream()
          .filter(r -> r.getMetadata().getName().equals(name))
          .findFirst();
    }

    @Override
    public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
      read.add(type);
      return objects.stream()
          .filter(type::isInstance)
          .filter(r -> namespace == null || namespace.equals(r.getMetadata().getNamespace()))
          .map(type::cast)
          .toList();
    }
  }
}
