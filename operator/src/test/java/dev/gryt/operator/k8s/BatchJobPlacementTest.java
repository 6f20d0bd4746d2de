package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.operator.Conditions;
import dev.gryt.operator.k8s.BatchJobPlacement.Action;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Kubernetes run mode's decisions, table by table, with inline YAML fixtures. */
class BatchJobPlacementTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  static final String BATCH_JOB =
      """
      apiVersion: batch/v1
      kind: Job
      metadata: {name: run-1, namespace: default}
      spec:
        activeDeadlineSeconds: 600
        template:
          spec:
            containers:
              - name: step-0
                env: [{name: GRYT_STEP_NAME, value: test}]
              - name: step-1
                env: [{name: GRYT_STEP_NAME, value: build}]
      """;

  @Test
  void aRunFreeToGoWithoutABatchJobGetsOne() {
    var placement =
        BatchJobPlacement.decide(run(null), pending(JobRunReason.NO_AGENT), none(), noPod(), NOW);

    assertThat(placement.action()).isEqualTo(Action.CREATE);
    assertThat(placement.status().phase).isEqualTo(JobRunPhase.SCHEDULED.value());
    assertThat(placement.status().batchJob).isEqualTo("run-1");
  }

  @Test
  void aRunWaitingForAConcurrencySlotGetsNone() {
    var placement =
        BatchJobPlacement.decide(
            run(null), pending(JobRunReason.CONCURRENCY_LIMIT), none(), noPod(), NOW);

    assertThat(placement.action()).isEqualTo(Action.NONE);
    assertThat(placement.status().phase).isEqualTo(JobRunPhase.PENDING.value());
  }

  @Test
  void aPodThatCannotPullItsImageKeepsTheRunScheduledAndSaysWhy() {
    Pod pod =
        pod(
            """
            status:
              phase: Pending
              containerStatuses:
                - name: step-0
                  state: {waiting: {reason: ImagePullBackOff, message: "no such image"}}
            """);

    var placement =
        BatchJobPlacement.decide(
            run("run-1"), pending(JobRunReason.NO_AGENT), batch(""), Optional.of(pod), NOW);

    assertThat(placement.status().phase).isEqualTo(JobRunPhase.SCHEDULED.value());
    assertThat(placement.status().condition(Condition.SUCCEEDED).orElseThrow().message)
        .isEqualTo("step-0 waiting: ImagePullBackOff: no such image");
  }

  @Test
  void aStepKilledBeforeItCouldReportFailsWithItsExitCode() {
    Pod pod =
        pod(
            """
            status:
              phase: Failed
              containerStatuses:
                - name: step-0
                  state: {terminated: {exitCode: 137, reason: OOMKilled}}
            """);

    var placement =
        BatchJobPlacement.decide(
            run("run-1"),
            pending(JobRunReason.NO_AGENT),
            batch("status: {conditions: [{type: Failed, status: 'True'}]}"),
            Optional.of(pod),
            NOW);

    assertThat(placement.status().phase).isEqualTo(JobRunPhase.FAILED.value());
    assertThat(placement.status().steps)
        .extracting(s -> s.name, s -> s.state, s -> s.exitCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("test", "Failed", 137),
            org.assertj.core.groups.Tuple.tuple("build", "Pending", null));
    assertThat(placement.status().condition(Condition.SUCCEEDED).orElseThrow().message)
        .isEqualTo("step test failed with exit code 137");
  }

  @Test
  void aFailedCheckoutIsNamedAsTheCause() {
    Pod pod =
        pod(
            """
            status:
              phase: Failed
              initContainerStatuses:
                - name: install-runner
                  state: {terminated: {exitCode: 0}}
                - name: checkout
                  state: {terminated: {exitCode: 128}}
            """);

    var placement =
        BatchJobPlacement.decide(
            run("run-1"),
            pending(JobRunReason.NO_AGENT),
            batch("status: {conditions: [{type: Failed, status: 'True'}]}"),
            Optional.of(pod),
            NOW);

    assertThat(placement.status().condition(Condition.SUCCEEDED).orElseThrow().message)
        .isEqualTo("checkout failed with exit code 128");
  }

  @Test
  void aRunEndedOtherwiseDeletesItsUnfinishedBatchJob() {
    JobRunStatus cancelled = pending(JobRunReason.NO_AGENT);
    cancelled.phase = JobRunPhase.CANCELLED.value();

    var placement = BatchJobPlacement.decide(run("run-1"), cancelled, batch(""), noPod(), NOW);

    assertThat(placement.action()).isEqualTo(Action.DELETE);
    assertThat(placement.status().phase).isEqualTo(JobRunPhase.CANCELLED.value());
    assertThat(placement.status().batchJob).as("kept for the record").isEqualTo("run-1");
  }

  @Test
  void aBatchJobThatFinishedWinsOverADeadlineReachedAtTheSameTime() {
    JobRunStatus timedOut = pending(JobRunReason.NO_AGENT);
    timedOut.phase = JobRunPhase.TIMED_OUT.value();

    var placement =
        BatchJobPlacement.decide(
            run("run-1"),
            timedOut,
            batch("status: {conditions: [{type: Complete, status: 'True'}]}"),
            noPod(),
            NOW);

    assertThat(placement.action()).isEqualTo(Action.NONE);
    assertThat(placement.status().phase).isEqualTo(JobRunPhase.SUCCEEDED.value());
  }

  @Test
  void aFinishedBatchJobWaitsForItsPodToEndSoNoStepIsMissed() {
    Pod running =
        pod(
            """
            status:
              phase: Running
              containerStatuses:
                - name: step-0
                  state: {running: {startedAt: "2026-01-01T00:00:00Z"}}
            """);

    var placement =
        BatchJobPlacement.decide(
            run("run-1"),
            pending(JobRunReason.NO_AGENT),
            batch("status: {conditions: [{type: Complete, status: 'True'}]}"),
            Optional.of(running),
            NOW);

    assertThat(placement.status().phase).isEqualTo(JobRunPhase.RUNNING.value());
  }

  // --- fixtures ---

  private static JobRun run(String batchJob) {
    JobRun run =
        Serialization.unmarshal(
            """
            apiVersion: gryt.io/v1
            kind: JobRun
            metadata: {name: run-1, namespace: default, uid: u-1, generation: 1}
            spec: {job_name: my-app-ci, trigger: manual}
            """,
            JobRun.class);
    if (batchJob != null) {
      run.setStatus(new JobRunStatus());
      run.getStatus().phase = JobRunPhase.SCHEDULED.value();
      run.getStatus().batchJob = batchJob;
    }
    return run;
  }

  /** What JobRunReconciler says of a run still waiting, with {@code reason}. */
  private static JobRunStatus pending(JobRunReason reason) {
    JobRunStatus status = new JobRunStatus();
    status.phase = JobRunPhase.PENDING.value();
    status.conditions =
        new Conditions(null, NOW, 1L)
            .set(Condition.SUCCEEDED, "Unknown", reason, "waiting")
            .set(Condition.READY, false, reason, "waiting")
            .build();
    return status;
  }

  private static Optional<Job> batch(String statusYaml) {
    return Optional.of(Serialization.unmarshal(BATCH_JOB + statusYaml, Job.class));
  }

  private static Optional<Job> none() {
    return Optional.empty();
  }

  private static Optional<Pod> noPod() {
    return Optional.empty();
  }

  private static Pod pod(String statusYaml) {
    return Serialization.unmarshal(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: run-1-abcde, namespace: default}\n"
            + statusYaml,
        Pod.class);
  }
}
