package dev.gryt.operator.k8s;

import static dev.gryt.operator.k8s.Scenario.ready;
import static dev.gryt.operator.k8s.Scenario.succeeded;

import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.JobReason;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineReason;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.WebhookReason;
import dev.gryt.crds.manifest.ManifestParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The scenarios every driver must pass with the same statuses: the Kubernetes operator here, the
 * standalone loop on any {@link dev.gryt.store.ResourceStore} (run them on the SQL stores with
 * {@link StandaloneScenarioDriver}).
 */
final class Scenarios {
  private Scenarios() {}

  /** The seed manifest a user starts from: Pipeline, GitHubRepo, Job and Webhook. */
  static final String INFRA =
      new String(RepoFiles.read("examples/infra.yaml"), StandardCharsets.UTF_8);

  static final String PIPELINE =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: test-and-build
      spec:
        steps:
          - name: test
            command: "go test ./..."
      """;

  static final String REPO =
      """
      apiVersion: gryt.io/v1
      kind: GitHubRepo
      metadata:
        name: my-app-repo
      spec:
        git_url: "https://github.com/myorg/myapp"
      """;

  static final String JOB =
      """
      apiVersion: gryt.io/v1
      kind: Job
      metadata:
        name: my-app-ci
      spec:
        pipeline_name: test-and-build
        github_repo_name: my-app-repo
      """;

  static final String RUN_WAITING =
      """
      apiVersion: gryt.io/v1
      kind: JobRun
      metadata:
        name: run-waiting
      spec:
        job_name: my-app-ci
        trigger: manual
        timeout_seconds: 3600
      """;

  static final String RUN_CANCELLED =
      """
      apiVersion: gryt.io/v1
      kind: JobRun
      metadata:
        name: run-cancelled
      spec:
        job_name: my-app-ci
        trigger: manual
        timeout_seconds: 3600
        cancel_requested: true
      """;

  static final String RUN_SHORT =
      """
      apiVersion: gryt.io/v1
      kind: JobRun
      metadata:
        name: run-short
      spec:
        job_name: my-app-ci
        trigger: manual
        timeout_seconds: 1
      """;

  static final String JOB_FORBID =
      """
      apiVersion: gryt.io/v1
      kind: Job
      metadata:
        name: single
      spec:
        pipeline_name: test-and-build
        concurrency_policy: forbid
      ---
      apiVersion: gryt.io/v1
      kind: JobRun
      metadata:
        name: single-a
      spec:
        job_name: single
        trigger: manual
        timeout_seconds: 3600
      """;

  /** Created after {@link #JOB_FORBID}'s run; same second or later, and later by name too. */
  static final String RUN_FORBIDDEN =
      """
      apiVersion: gryt.io/v1
      kind: JobRun
      metadata:
        name: single-b
      spec:
        job_name: single
        trigger: manual
        timeout_seconds: 3600
      """;

  /** The Pipeline of {@link #PIPELINE}, parsed. */
  static Pipeline pipeline() {
    return (Pipeline)
        ManifestParser.parse("pipeline.yaml", PIPELINE.getBytes(StandardCharsets.UTF_8))
            .manifests()
            .get(0)
            .resource();
  }

  /** The seed manifest applied: all four resources end Ready. */
  static Scenario seed() {
    return Scenario.named("seed manifest: every resource ends Ready")
        .create(INFRA)
        .expect(
            ResourceKind.PIPELINE, "test-and-build", ready("True", PipelineReason.VALID.value()))
        .expect(
            ResourceKind.GITHUB_REPO,
            "my-app-repo",
            ready("True", GitHubRepoReason.REACHABLE.value()))
        .expect(ResourceKind.JOB, "my-app-ci", ready("True", JobReason.RESOLVED.value()))
        .expect(
            ResourceKind.WEBHOOK, "github-webhook", ready("True", WebhookReason.RESOLVED.value()));
  }

  static List<Scenario> all() {
    return List.of(
        seed(),
        Scenario.named("a Job created before its Pipeline turns Ready when the Pipeline appears")
            .create(JOB)
            .expect(
                ResourceKind.JOB, "my-app-ci", ready("False", JobReason.PIPELINE_NOT_FOUND.value()))
            .create(PIPELINE)
            .expect(ResourceKind.JOB, "my-app-ci", ready("False", JobReason.REPO_NOT_FOUND.value()))
            .create(REPO)
            .expect(ResourceKind.JOB, "my-app-ci", ready("True", JobReason.RESOLVED.value())),
        Scenario.named("deleting the Pipeline turns the Job and its Webhook not Ready")
            .create(INFRA)
            .expect(
                ResourceKind.WEBHOOK,
                "github-webhook",
                ready("True", WebhookReason.RESOLVED.value()))
            .delete(ResourceKind.PIPELINE, "test-and-build")
            .expect(
                ResourceKind.JOB, "my-app-ci", ready("False", JobReason.PIPELINE_NOT_FOUND.value()))
            .expect(
                ResourceKind.WEBHOOK,
                "github-webhook",
                ready("False", WebhookReason.JOB_NOT_READY.value())),
        Scenario.named("a JobRun with no agents waits Pending; a cancelled one ends Cancelled")
            .create(INFRA)
            .expect(ResourceKind.JOB, "my-app-ci", ready("True", JobReason.RESOLVED.value()))
            .create(RUN_WAITING)
            .create(RUN_CANCELLED)
            .expectRun(
                "run-waiting",
                JobRunPhase.PENDING.value(),
                succeeded("Unknown", JobRunReason.NO_AGENT.value()),
                ready("False", JobRunReason.NO_AGENT.value()))
            .expectRun(
                "run-cancelled",
                JobRunPhase.CANCELLED.value(),
                succeeded("False", JobRunReason.CANCELLED.value()),
                ready("False", JobRunReason.CANCELLED.value())),
        Scenario.named("a waiting JobRun ends Cancelled when its Job is deleted")
            .create(INFRA)
            .create(RUN_WAITING)
            .expectRun(
                "run-waiting",
                JobRunPhase.PENDING.value(),
                succeeded("Unknown", JobRunReason.NO_AGENT.value()),
                ready("False", JobRunReason.NO_AGENT.value()))
            .delete(ResourceKind.JOB, "my-app-ci")
            .expectRun(
                "run-waiting",
                JobRunPhase.CANCELLED.value(),
                succeeded("False", JobRunReason.JOB_DELETED.value()),
                ready("False", JobRunReason.JOB_DELETED.value()))
            .expect(
                ResourceKind.WEBHOOK,
                "github-webhook",
                ready("False", WebhookReason.JOB_NOT_FOUND.value())),
        Scenario.named("a Job that forbids concurrent runs cancels a run started beside another")
            .create(PIPELINE)
            .create(JOB_FORBID)
            .expectRun(
                "single-a",
                JobRunPhase.PENDING.value(),
                succeeded("Unknown", JobRunReason.NO_AGENT.value()),
                ready("False", JobRunReason.NO_AGENT.value()))
            .create(RUN_FORBIDDEN)
            .expectRun(
                "single-b",
                JobRunPhase.CANCELLED.value(),
                succeeded("False", JobRunReason.CONCURRENCY_FORBIDDEN.value()),
                ready("False", JobRunReason.CONCURRENCY_FORBIDDEN.value()))
            .expectRun(
                "single-a",
                JobRunPhase.PENDING.value(),
                succeeded("Unknown", JobRunReason.NO_AGENT.value()),
                ready("False", JobRunReason.NO_AGENT.value())),
        // Nothing changes after creation: only the reconciler's requeue at the deadline ends it.
        Scenario.named("a JobRun nobody runs ends TimedOut at its deadline")
            .create(INFRA)
            .expect(ResourceKind.JOB, "my-app-ci", ready("True", JobReason.RESOLVED.value()))
            .create(RUN_SHORT)
            .expectRun(
                "run-short",
                JobRunPhase.TIMED_OUT.value(),
                succeeded("False", JobRunReason.TIMED_OUT.value()),
                ready("False", JobRunReason.TIMED_OUT.value())));
  }
}
