package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobReason;
import dev.gryt.crds.JobSpec;
import dev.gryt.crds.JobStatus;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineReason;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookReason;
import dev.gryt.crds.WebhookSpec;
import dev.gryt.operator.probe.GitHubRepoProber;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure decisions, table by table: no store, no threads, a fixed clock. */
class ReconcilersTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  final MapLookup lookup = new MapLookup();

  @Test
  void pipelineWithValidStepsIsReady() {
    Condition ready =
        readyOf(
            new PipelineReconciler().reconcile(pipeline("p", "make", null), lookup, T0).status());
    assertThat(ready.status).isEqualTo("True");
    assertThat(ready.reason).isEqualTo(PipelineReason.VALID.value());
    assertThat(ready.lastTransitionTime).isEqualTo(T0.toString());
  }

  @Test
  void pipelineWithABadImageIsNotReadyAndSaysWhere() {
    Condition ready =
        readyOf(
            new PipelineReconciler()
                .reconcile(pipeline("p", "make", "Not An Image"), lookup, T0)
                .status());
    assertThat(ready.status).isEqualTo("False");
    assertThat(ready.reason).isEqualTo(PipelineReason.INVALID_SPEC.value());
    assertThat(ready.message).contains("spec.steps[0].image");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusMoves() {
    Pipeline p = pipeline("p", "make", null);
    PipelineStatus first = new PipelineReconciler().reconcile(p, lookup, T0).status();
    p.setStatus(first);
    PipelineStatus second = new PipelineReconciler().reconcile(p, lookup, T1).status();
    assertThat(readyOf(second).lastTransitionTime).isEqualTo(T0.toString());
    assertThat(second.conditions).isEqualTo(first.conditions);

    p.getSpec().steps.get(0).command = " ";
    PipelineStatus third = new PipelineReconciler().reconcile(p, lookup, T1).status();
    assertThat(readyOf(third).lastTransitionTime).isEqualTo(T1.toString());
  }

  @Test
  void repoUrlMustBeAGitUrl() {
    assertThat(
            readyOf(reachable().reconcile(repo("r", "https://github.com/a/b"), lookup, T0).status())
                .status)
        .isEqualTo("True");
    assertThat(
            readyOf(reachable().reconcile(repo("r", "file:///srv/git/app"), lookup, T0).status())
                .status)
        .isEqualTo("True");
    Condition bad = readyOf(reachable().reconcile(repo("r", "not a url"), lookup, T0).status());
    assertThat(bad.status).isEqualTo("False");
    assertThat(bad.message).contains("spec.git_url");
  }

  @Test
  void jobWaitsForItsPipelineAndRepoThenIsReady() {
    Job job = job("j", "p", "r");
    JobReconciler r = new JobReconciler();
    assertThat(readyOf(r.reconcile(job, lookup, T0).status()).reason)
        .isEqualTo(JobReason.PIPELINE_NOT_FOUND.value());

    Pipeline p = lookup.add(pipeline("p", "make", null));
    assertThat(readyOf(r.reconcile(job, lookup, T0).status()).reason)
        .isEqualTo(JobReason.PIPELINE_NOT_READY.value());

    p.setStatus(new PipelineReconciler().reconcile(p, lookup, T0).status());
    assertThat(readyOf(r.reconcile(job, lookup, T0).status()).reason)
        .isEqualTo(JobReason.REPO_NOT_FOUND.value());

    GitHubRepo repo = lookup.add(repo("r", "https://github.com/a/b"));
    assertThat(readyOf(r.reconcile(job, lookup, T0).status()).reason)
        .isEqualTo(JobReason.REPO_NOT_READY.value());

    repo.setStatus(reachable().reconcile(repo, lookup, T0).status());
    JobStatus ready = r.reconcile(job, lookup, T0).status();
    assertThat(readyOf(ready).status).isEqualTo("True");
    assertThat(ready.observedGeneration).isEqualTo(1L);
  }

  @Test
  void jobWithoutARepoNeedsOnlyItsPipeline() {
    Pipeline p = lookup.add(pipeline("p", "make", null));
    p.setStatus(new PipelineReconciler().reconcile(p, lookup, T0).status());
    assertThat(
            readyOf(new JobReconciler().reconcile(job("j", "p", null), lookup, T0).status()).status)
        .isEqualTo("True");
  }

  @Test
  void jobDeletesItsOldestFinishedRunsBeyondItsHistoryLimit() {
    Job job = job("j", "p", null);
    job.getSpec().historyLimit = 1;
    lookup.add(RunPolicyTest.run("a", 0, "Succeeded"));
    lookup.add(RunPolicyTest.run("b", 1, "Failed"));
    lookup.add(RunPolicyTest.run("c", 2, "Pending"));
    lookup.add(RunPolicyTest.run("d", 3, "Cancelled"));
    lookup.add(RunPolicyTest.run("other", 0, "Succeeded")).getSpec().jobName = "k";

    Outcome<JobStatus> o = new JobReconciler().reconcile(job, lookup, T0);
    assertThat(o.deletes())
        .containsExactly(
            new ResourceKey(dev.gryt.crds.ResourceKind.JOB_RUN, "default", "a"),
            new ResourceKey(dev.gryt.crds.ResourceKind.JOB_RUN, "default", "b"));
    assertThat(Outcome.of(o.status()).deletes()).isEmpty();
  }

  @Test
  void webhookNeedsAReadyJob() {
    Webhook w = new Webhook();
    w.setMetadata(meta("w"));
    w.setSpec(new WebhookSpec());
    w.getSpec().jobName = "j";
    assertThat(readyOf(new WebhookReconciler().reconcile(w, lookup, T0).status()).reason)
        .isEqualTo(WebhookReason.JOB_NOT_FOUND.value());
    Job j = lookup.add(job("j", "p", null));
    assertThat(readyOf(new WebhookReconciler().reconcile(w, lookup, T0).status()).reason)
        .isEqualTo(WebhookReason.JOB_NOT_READY.value());
    JobStatus ready = new JobStatus();
    ready.conditions =
        List.of(new Condition(Condition.READY, "True", JobReason.RESOLVED.value(), ""));
    j.setStatus(ready);
    assertThat(readyOf(new WebhookReconciler().reconcile(w, lookup, T0).status()).status)
        .isEqualTo("True");
  }

  /** GitHubRepos whose every branch is reachable: the jobs' view, probing is tested elsewhere. */
  static GitHubRepoProber reachable() {
    return new GitHubRepoProber(
        (url, branch, token) -> ProbeResult.reachable("0123456789abcdef0123456789abcdef01234567"),
        new RepoTokens(name -> null, RepoTokens.NO_SECRETS, java.util.Set.of()));
  }

  static Condition readyOf(dev.gryt.crds.GrytStatus status) {
    return status.condition(Condition.READY).orElseThrow();
  }

  static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace("default")
        .withGeneration(1L)
        .build();
  }

  static Pipeline pipeline(String name, String command, String image) {
    Pipeline p = new Pipeline();
    p.setMetadata(meta(name));
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "build";
    step.command = command;
    step.image = image;
    spec.steps = new ArrayList<>(List.of(step));
    p.setSpec(spec);
    return p;
  }

  static GitHubRepo repo(String name, String url) {
    GitHubRepo r = new GitHubRepo();
    r.setMetadata(meta(name));
    r.setSpec(new GitHubRepoSpec());
    r.getSpec().gitUrl = url;
    return r;
  }

  static Job job(String name, String pipeline, String repo) {
    Job j = new Job();
    j.setMetadata(meta(name));
    j.setSpec(new JobSpec());
    j.getSpec().pipelineName = pipeline;
    j.getSpec().githubRepoName = repo;
    return j;
  }

  /** A Lookup over a map: the reconcilers' only view of the world. */
  static final class MapLookup implements Lookup {
    final Map<ResourceKey, GrytResource<?, ?>> objects = new HashMap<>();

    <R extends GrytResource<?, ?>> R add(R r) {
      objects.put(ResourceKey.of(r), r);
      return r;
    }

    @Override
    public <R extends GrytResource<?, ?>> Optional<R> get(
        Class<R> type, String namespace, String name) {
      return Optional.ofNullable(
              objects.get(new ResourceKey(dev.gryt.crds.ResourceKind.of(type), namespace, name)))
          .map(type::cast);
    }

    @Override
    public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
      return objects.values().stream().filter(type::isInstance).map(type::cast).toList();
    }
  }
}
