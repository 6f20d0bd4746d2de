package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.operator.ExampleRepoProbe;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes run mode against the fabric8 mock API server (CRUD mode): the operator, configured as
 * the Helm chart runs it (leader election on a Lease, runs as batch Jobs in the gryt image), turns
 * a JobRun into a batch/v1 Job, and the Job's end into the run's. The mock has no kubelet and no
 * Job controller, so the tests play them: they write the batch Job's status and create its pod.
 */
@EnableKubernetesMockClient(crud = true)
class BatchJobRunIT {
  static final String NS = ScenarioDriver.NAMESPACE;
  static final String RUNNER_IMAGE = "gryt:0.1.0";

  /** A pipeline that names its image, limits and timeout, and a Job of it on the example repo. */
  static final String GO_PIPELINE =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: go-build
      spec:
        image: golang:1.22
        timeout_seconds: 1800
        resources:
          cpu: "2"
          memory: 1Gi
        env:
          CGO_ENABLED: "0"
        steps:
          - name: test
            command: go test ./...
            timeout_seconds: 600
          - name: build
            command: go build -o bin/app
            image: golang:1.22-alpine
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata:
        name: go-ci
      spec:
        pipeline_name: go-build
        github_repo_name: my-app-repo
        branch_override: develop
      """;

  KubernetesClient client;
  KubernetesMockServer server;
  KubernetesOperator operator;
  final AtomicBoolean leaseLost = new AtomicBoolean();

  @BeforeEach
  void startLikeTheChart() {
    allowLeasesForEveryone();
    KubernetesScenarioDriver.installCrds(client);
    // What the chart's operator Deployment passes (gryt operator --lease-name ... --run-mode
    // jobs --runner-image ...), minus server-side apply, which the mock server lacks.
    KubernetesOperator.Options options =
        KubernetesOperator.Options.defaults()
            .withUseSsa(false)
            .withLeaderElection(
                new KubernetesOperator.Lease("gryt-operator", "gryt", () -> leaseLost.set(true)))
            .withBatchJobs(BatchJobOptions.withRunnerImage(RUNNER_IMAGE));
    operator = KubernetesOperator.start(client, Clock.systemUTC(), options, new ExampleRepoProbe());
    apply(new String(RepoFiles.read("examples/infra.yaml"), StandardCharsets.UTF_8));
    apply(GO_PIPELINE);
  }

  @AfterEach
  void stop() {
    operator.close();
    assertThat(leaseLost).isFalse();
  }

  @Test
  void theExamplesReconcileToReady() {
    for (var kindAndName :
        List.of(
            Map.entry(ResourceKind.PIPELINE, "test-and-build"),
            Map.entry(ResourceKind.GITHUB_REPO, "my-app-repo"),
            Map.entry(ResourceKind.JOB, "my-app-ci"),
            Map.entry(ResourceKind.WEBHOOK, "github-webhook"),
            Map.entry(ResourceKind.PIPELINE, "go-build"),
            Map.entry(ResourceKind.JOB, "go-ci"))) {
      await(kindAndName.toString())
          .atMost(Scenario.CONVERGENCE)
          .untilAsserted(
              () -> {
                GrytResource<?, ?> r =
                    client
                        .resources(kindAndName.getKey().type())
                        .inNamespace(NS)
                        .withName(kindAndName.getValue())
                        .get();
                assertThat(r.getStatus()).isNotNull();
                assertThat(r.getStatus().condition(Condition.READY).orElseThrow().status)
                    .isEqualTo("True");
              });
    }
  }

  @Test
  void aTriggeredRunBecomesABatchJobWithThePipelinesImageLimitsAndDeadline() {
    JobRun run = trigger("go-ci", "run-go-1");

    Job batch = awaitBatchJob("run-go-1");
    assertThat(batch.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            (OwnerReference o) -> {
              assertThat(o.getKind()).isEqualTo("JobRun");
              assertThat(o.getApiVersion()).isEqualTo("gryt.io/v1");
              assertThat(o.getName()).isEqualTo("run-go-1");
              assertThat(o.getUid()).isEqualTo(run.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
    assertThat(batch.getMetadata().getLabels())
        .containsEntry("gryt.io/run", "run-go-1")
        .containsEntry("gryt.io/job", "go-ci")
        .containsEntry("app.kubernetes.io/managed-by", "gryt-operator");
    assertThat(batch.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(batch.getSpec().getBackoffLimit()).isZero();
    assertThat(batch.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);

    var pod = batch.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getInitContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("install-runner", RUNNER_IMAGE),
            org.assertj.core.groups.Tuple.tuple("checkout", RUNNER_IMAGE));
    assertThat(pod.getInitContainers().get(1).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("GRYT_GIT_URL");
              assertThat(e.getValue()).isEqualTo(ExampleRepoProbe.EXAMPLE_URL);
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("GRYT_GIT_REF");
              assertThat(e.getValue()).isEqualTo("develop");
            });
    assertThat(pod.getContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("step-0", "golang:1.22"),
            org.assertj.core.groups.Tuple.tuple("step-1", "golang:1.22-alpine"));
    for (Container step : pod.getContainers()) {
      assertThat(step.getCommand().get(0)).isEqualTo("/gryt/bin/gryt-step-runner");
      assertThat(step.getWorkingDir())
          .as("where checkout put the code")
          .isEqualTo("/workspace/src");
      assertThat(step.getResources().getLimits())
          .containsEntry("cpu", new Quantity("2"))
          .containsEntry("memory", new Quantity("1Gi"));
      assertThat(step.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(step.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    }
    assertThat(pod.getContainers().get(0).getResources().getRequests())
        .as("the first step requests what the steps need; they run one at a time")
        .containsEntry("cpu", new Quantity("2"));
    assertThat(pod.getContainers().get(1).getResources().getRequests())
        .containsEntry("cpu", new Quantity("0"));

    JobRun scheduled = awaitRun("run-go-1", JobRunPhase.SCHEDULED.value());
    assertThat(scheduled.getStatus().batchJob).isEqualTo("run-go-1");
  }

  @Test
  void theBatchJobsCompletionMarksTheRunSucceededWithItsSteps() {
    trigger("my-app-ci", "run-ok");
    Job batch = awaitBatchJob("run-ok");
    awaitRun("run-ok", JobRunPhase.SCHEDULED.value());

    // The kubelet's part: the pod runs, then both steps end as gryt-step-runner reports them.
    Pod pod = podOf(batch, "Running", Map.of());
    JobRun running = awaitRun("run-ok", JobRunPhase.RUNNING.value());
    assertThat(running.getStatus().pod).isEqualTo(pod.getMetadata().getName());
    assertThat(running.getStatus().steps)
        .extracting(s -> s.state)
        .containsExactly("Running", "Pending");

    podOf(
        batch,
        "Succeeded",
        Map.of(
            "step-0",
                "reason=Succeeded exit=0 attempts=1 started=2026-01-01T00:00:00Z finished=2026-01-01T00:00:05Z",
            "step-1",
                "reason=Succeeded exit=0 attempts=1 started=2026-01-01T00:00:05Z finished=2026-01-01T00:00:09Z"));
    finish(batch, "Complete", null);

    JobRun done = awaitRun("run-ok", JobRunPhase.SUCCEEDED.value());
    assertThat(done.getStatus().condition(Condition.SUCCEEDED).orElseThrow().status)
        .isEqualTo("True");
    assertThat(done.getStatus().commit).isEqualTo(ExampleRepoProbe.EXAMPLE_HEAD);
    assertThat(done.getStatus().steps)
        .extracting(s -> s.name, s -> s.state, s -> s.exitCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("test", "Succeeded", 0),
            org.assertj.core.groups.Tuple.tuple("build", "Succeeded", 0));
    assertThat(done.getStatus().finishedAt).isNotNull();
  }

  @Test
  void aFailedBatchJobMarksTheRunFailedWithTheStepAndItsExitCode() {
    trigger("go-ci", "run-bad");
    Job batch = awaitBatchJob("run-bad");
    podOf(
        batch,
        "Failed",
        Map.of(
            "step-0",
                "reason=Failed exit=2 attempts=1 started=2026-01-01T00:00:00Z finished=2026-01-01T00:00:05Z",
            "step-1",
                "reason=Skipped exit=0 attempts=0 started=2026-01-01T00:00:05Z finished=2026-01-01T00:00:05Z"));
    finish(batch, "Failed", "BackoffLimitExceeded");

    JobRun failed = awaitRun("run-bad", JobRunPhase.FAILED.value());
    Condition succeeded = failed.getStatus().condition(Condition.SUCCEEDED).orElseThrow();
    assertThat(succeeded.reason).isEqualTo(JobRunReason.FAILED.value());
    assertThat(succeeded.message).isEqualTo("step test failed with exit code 2");
    assertThat(failed.getStatus().steps)
        .extracting(s -> s.state)
        .containsExactly("Failed", "Skipped");
  }

  @Test
  void aBatchJobOverItsDeadlineMarksTheRunTimedOut() {
    trigger("go-ci", "run-slow");
    Job batch = awaitBatchJob("run-slow");
    finish(batch, "Failed", "DeadlineExceeded");

    JobRun timedOut = awaitRun("run-slow", JobRunPhase.TIMED_OUT.value());
    assertThat(timedOut.getStatus().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.TIMED_OUT.value());
  }

  @Test
  void cancellingTheRunDeletesItsBatchJob() {
    trigger("go-ci", "run-cancel");
    awaitBatchJob("run-cancel");
    awaitRun("run-cancel", JobRunPhase.SCHEDULED.value());

    client
        .resources(JobRun.class)
        .inNamespace(NS)
        .withName("run-cancel")
        .edit(
            r -> {
              r.getSpec().cancelRequested = true;
              return r;
            });

    awaitRun("run-cancel", JobRunPhase.CANCELLED.value());
    await("batch Job deleted")
        .atMost(Scenario.CONVERGENCE)
        .until(
            () ->
                batchJob("run-cancel") == null
                    || batchJob("run-cancel").getMetadata().getDeletionTimestamp() != null);
  }

  @Test
  void aBatchJobDeletedBeforeItFinishedFailsTheRun() {
    trigger("go-ci", "run-lost");
    awaitBatchJob("run-lost");
    awaitRun("run-lost", JobRunPhase.SCHEDULED.value());

    client.batch().v1().jobs().inNamespace(NS).withName("run-lost").delete();

    JobRun lost = awaitRun("run-lost", JobRunPhase.FAILED.value());
    assertThat(lost.getStatus().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.BATCH_JOB_LOST.value());
  }

  // --- the test's cluster: a kubelet and a Job controller played by hand ---

  private JobRun trigger(String job, String name) {
    apply(
        """
        apiVersion: gryt.io/v1
        kind: JobRun
        metadata:
          name: %s
        spec:
          job_name: %s
          trigger: manual
        """
            .formatted(name, job));
    return client.resources(JobRun.class).inNamespace(NS).withName(name).get();
  }

  private Job awaitBatchJob(String name) {
    await("batch Job " + name).atMost(Scenario.CONVERGENCE).until(() -> batchJob(name) != null);
    return batchJob(name);
  }

  private Job batchJob(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private JobRun awaitRun(String name, String phase) {
    await(name + " " + phase)
        .atMost(Scenario.CONVERGENCE)
        .untilAsserted(
            () -> {
              JobRun r = client.resources(JobRun.class).inNamespace(NS).withName(name).get();
              assertThat(r.getStatus()).isNotNull();
              assertThat(r.getStatus().phase).as("%s", r.getStatus().conditions).isEqualTo(phase);
            });
    return client.resources(JobRun.class).inNamespace(NS).withName(name).get();
  }

  /**
   * Creates or updates the batch Job's pod in {@code phase}: every step container running, or
   * terminated with the given termination messages (exit code from their {@code exit=}).
   */
  private Pod podOf(Job batch, String phase, Map<String, String> messages) {
    String name = batch.getMetadata().getName() + "-abcde";
    var template = batch.getSpec().getTemplate();
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .withLabels(template.getMetadata().getLabels())
            .withAnnotations(template.getMetadata().getAnnotations())
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withPhase(phase)
            .withStartTime("2026-01-01T00:00:00Z")
            .addNewInitContainerStatus()
            .withName("checkout")
            .withNewState()
            .withNewTerminated()
            .withExitCode(0)
            .withMessage("commit=" + ExampleRepoProbe.EXAMPLE_HEAD)
            .endTerminated()
            .endState()
            .endInitContainerStatus()
            .endStatus();
    for (Container c : template.getSpec().getContainers()) {
      String message = messages.get(c.getName());
      Consumer<io.fabric8.kubernetes.api.model.ContainerStateBuilder> state =
          message == null
              ? s -> s.withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning()
              : s ->
                  s.withNewTerminated()
                      .withExitCode(Integer.valueOf(BatchJobPlacement.fields(message).get("exit")))
                      .withMessage(message)
                      .endTerminated();
      var builder = new io.fabric8.kubernetes.api.model.ContainerStateBuilder();
      state.accept(builder);
      pod.editStatus()
          .addNewContainerStatus()
          .withName(c.getName())
          .withState(builder.build())
          .endContainerStatus()
          .endStatus();
    }
    Pod built = pod.build();
    return client.pods().inNamespace(NS).resource(built).createOr(p -> p.update());
  }

  private void finish(Job batch, String type, String reason) {
    JobCondition condition =
        new JobConditionBuilder()
            .withType(type)
            .withStatus("True")
            .withReason(reason)
            .withLastTransitionTime(Instant.now().toString())
            .build();
    Job current = batchJob(batch.getMetadata().getName());
    current.setStatus(
        new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
            .withStartTime("2026-01-01T00:00:00Z")
            .withConditions(condition)
            .withCompletionTime("Complete".equals(type) ? Instant.now().toString() : null)
            .build());
    client.batch().v1().jobs().inNamespace(NS).resource(current).updateStatus();
  }

  private void apply(String yaml) {
    ManifestParser.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8))
        .manifests()
        .forEach(m -> client.resource(m.resource()).inNamespace(NS).create());
  }

  /** As in {@link KubernetesOperatorIT}: the mock cannot answer JOSDK's rights check itself. */
  private void allowLeasesForEveryone() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewSpec()
                .withNamespace("gryt")
                .endSpec()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update", "patch", "list", "watch")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
  }
}
