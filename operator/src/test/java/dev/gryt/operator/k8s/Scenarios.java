package dev.gryt.operator.k8s;

import static dev.gryt.operator.k8s.Scenario.ready;
import static dev.gryt.operator.k8s.Scenario.succeeded;

import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.operator.JobRunReconciler;
import dev.gryt.operator.Reasons;
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
        .expect(ResourceKind.PIPELINE, "test-and-build", ready("True", Reasons.VALID))
        .expect(ResourceKind.GITHUB_REPO, "my-app-repo", ready("True", Reasons.REACHABLE))
        .expect(ResourceKind.JOB, "my-app-ci", ready("True", Reasons.RESOLVED))
        .expect(ResourceKind.WEBHOOK, "github-webhook", ready("True", Reasons.RESOLVED));
  }

  static List<Scenario> all() {
    return List.of(
        seed(),
        Scenario.named("a Job created before its Pipeline turns Ready when the Pipeline appears")
            .create(JOB)
            .expect(ResourceKind.JOB, "my-app-ci", ready("False", Reasons.PIPELINE_NOT_FOUND))
            .create(PIPELINE)
            .expect(ResourceKind.JOB, "my-app-ci", ready("False", Reasons.REPO_NOT_FOUND))
            .create(REPO)
            .expect(ResourceKind.JOB, "my-app-ci", ready("True", Reasons.RESOLVED)),
        Scenario.named("deleting the Pipeline turns the Job and its Webhook not Ready")
            .create(INFRA)
            .expect(ResourceKind.WEBHOOK, "github-webhook", ready("True", Reasons.RESOLVED))
            .delete(ResourceKind.PIPELINE, "test-and-build")
            .expect(ResourceKind.JOB, "my-app-ci", ready("False", Reasons.PIPELINE_NOT_FOUND))
            .expect(ResourceKind.WEBHOOK, "github-webhook", ready("False", Reasons.JOB_NOT_READY)),
        Scenario.named("a JobRun with no agents waits Pending; a cancelled one ends Cancelled")
            .create(INFRA)
            .expect(ResourceKind.JOB, "my-app-ci", ready("True", Reasons.RESOLVED))
            .create(RUN_WAITING)
            .create(RUN_CANCELLED)
            .expectRun(
                "run-waiting",
                JobRunReconciler.PENDING,
                succeeded("Unknown", Reasons.NO_AGENT),
                ready("False", Reasons.NO_AGENT))
            .expectRun(
                "run-cancelled",
                JobRunReconciler.CANCELLED,
                succeeded("False", Reasons.CANCELLED),
                ready("False", Reasons.CANCELLED)),
        Scenario.named("a waiting JobRun ends Cancelled when its Job is deleted")
            .create(INFRA)
            .create(RUN_WAITING)
            .expectRun(
                "run-waiting",
                JobRunReconciler.PENDING,
                succeeded("Unknown", Reasons.NO_AGENT),
                ready("False", Reasons.NO_AGENT))
            .delete(ResourceKind.JOB, "my-app-ci")
            .expectRun(
                "run-waiting",
                JobRunReconciler.CANCELLED,
                succeeded("False", Reasons.JOB_DELETED),
                ready("False", Reasons.JOB_DELETED))
            .expect(ResourceKind.WEBHOOK, "github-webhook", ready("False", Reasons.JOB_NOT_FOUND)),
        Scenario.named("a Job that forbids concurrent runs cancels a run started beside another")
            .create(PIPELINE)
            .create(JOB_FORBID)
            .expectRun(
                "single-a",
                JobRunReconciler.PENDING,
                succeeded("Unknown", Reasons.NO_AGENT),
                ready("False", Reasons.NO_AGENT))
            .create(RUN_FORBIDDEN)
            .expectRun(
                "single-b",
                JobRunReconciler.CANCELLED,
                succeeded("False", Reasons.CONCURRENCY_FORBIDDEN),
                ready("False", Reasons.CONCURRENCY_FORBIDDEN))
            .expectRun(
                "single-a",
                JobRunReconciler.PENDING,
                succeeded("Unknown", Reasons.NO_AGENT),
                ready("False", Reasons.NO_AGENT)),
        // Nothing changes after creation: only the reconciler's requeue at the deadline ends it.
        Scenario.named("a JobRun nobody runs ends TimedOut at its deadline")
            .create(INFRA)
            .expect(ResourceKind.JOB, "my-app-ci", ready("True", Reasons.RESOLVED))
            .create(RUN_SHORT)
            .expectRun(
                "run-short",
                JobRunReconciler.TIMED_OUT,
                succeeded("False", Reasons.TIMED_OUT),
                ready("False", Reasons.TIMED_OUT)));
  }
}
