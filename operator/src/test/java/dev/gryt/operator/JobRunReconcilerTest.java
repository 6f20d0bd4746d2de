package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobRunReconcilerTest {
  static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  final ReconcilersTest.MapLookup lookup = new ReconcilersTest.MapLookup();
  final JobRunReconciler reconciler = new JobRunReconciler();

  @Test
  void waitsPendingForAnAgentAndAsksToBeLookedAtByItsDeadline() {
    lookup.add(ReconcilersTest.job("j", "p", null));
    Outcome<JobRunStatus> o = reconciler.reconcile(run(60), lookup, CREATED.plusSeconds(10));

    assertThat(o.status().phase).isEqualTo(JobRunPhase.PENDING.value());
    Condition succeeded = o.status().condition(Condition.SUCCEEDED).orElseThrow();
    assertThat(succeeded.status).isEqualTo("Unknown");
    assertThat(succeeded.reason).isEqualTo(JobRunReason.NO_AGENT.value());
    assertThat(o.requeueAfter()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void timesOutAtItsDeadline() {
    lookup.add(ReconcilersTest.job("j", "p", null));
    Outcome<JobRunStatus> o = reconciler.reconcile(run(60), lookup, CREATED.plusSeconds(60));

    assertThat(o.status().phase).isEqualTo(JobRunPhase.TIMED_OUT.value());
    assertThat(o.status().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.TIMED_OUT.value());
    assertThat(o.status().finishedAt).isEqualTo(CREATED.plusSeconds(60).toString());
    assertThat(o.requeueAfter()).isNull();
  }

  @Test
  void cancelsOnRequestAndWhenItsJobIsGone() {
    JobRun cancelled = run(60);
    cancelled.getSpec().cancelRequested = true;
    lookup.add(ReconcilersTest.job("j", "p", null));
    assertThat(reconciler.reconcile(cancelled, lookup, CREATED).status().phase)
        .isEqualTo(JobRunPhase.CANCELLED.value());

    lookup.objects.clear();
    Outcome<JobRunStatus> orphan = reconciler.reconcile(run(60), lookup, CREATED);
    assertThat(orphan.status().phase).isEqualTo(JobRunPhase.CANCELLED.value());
    assertThat(orphan.status().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.JOB_DELETED.value());
  }

  @Test
  void endingARunEndsTheStepsItsAgentLeftUnfinished() {
    lookup.add(ReconcilersTest.job("j", "p", null));
    for (String ending :
        new String[] {JobRunPhase.CANCELLED.value(), JobRunPhase.TIMED_OUT.value()}) {
      JobRun run = run(60);
      run.getSpec().cancelRequested = ending.equals(JobRunPhase.CANCELLED.value());
      JobRunStatus placed = new JobRunStatus();
      placed.phase = JobRunPhase.RUNNING.value();
      placed.steps =
          java.util.List.of(
              step("build", "Succeeded"), step("test", "Running"), step("deploy", "Pending"));
      run.setStatus(placed);
      Instant at = CREATED.plusSeconds(ending.equals(JobRunPhase.TIMED_OUT.value()) ? 60 : 5);

      JobRunStatus ended = reconciler.reconcile(run, lookup, at).status();
      assertThat(ended.phase).isEqualTo(ending);
      assertThat(ended.steps)
          .extracting(s -> s.name + "=" + s.state)
          .as(ending)
          .containsExactly("build=Succeeded", "test=" + ending, "deploy=Skipped");
      assertThat(ended.steps.get(1).finishedAt).isEqualTo(at.toString());
      assertThat(ended.steps.get(0).finishedAt).isNull();
      assertThat(placed.steps.get(1).state)
          .as("the stored status is not edited")
          .isEqualTo("Running");
    }
  }

  static JobRunStatus.StepStatus step(String name, String state) {
    JobRunStatus.StepStatus s = new JobRunStatus.StepStatus();
    s.name = name;
    s.state = state;
    return s;
  }

  @Test
  void aFinishedRunNeverChanges() {
    JobRun run = run(60);
    JobRunStatus done = new JobRunStatus();
    done.phase = JobRunPhase.SUCCEEDED.value();
    run.setStatus(done);
    run.getSpec().cancelRequested = true;
    assertThat(reconciler.reconcile(run, lookup, CREATED.plusSeconds(999)).status()).isSameAs(done);
  }

  @Test
  void waitsForAConcurrencySlotOfItsJobUntilItsDeadline() {
    lookup.add(ReconcilersTest.job("j", "p", null)).getSpec().maxConcurrentRuns = 1;
    lookup.add(RunPolicyTest.run("older", -5, JobRunPhase.PENDING.value()));
    Outcome<JobRunStatus> o = reconciler.reconcile(run(60), lookup, CREATED.plusSeconds(10));

    assertThat(o.status().phase).isEqualTo(JobRunPhase.PENDING.value());
    Condition succeeded = o.status().condition(Condition.SUCCEEDED).orElseThrow();
    assertThat(succeeded.status).isEqualTo("Unknown");
    assertThat(succeeded.reason).isEqualTo(JobRunReason.CONCURRENCY_LIMIT.value());
    assertThat(o.status().condition(Condition.READY).orElseThrow().reason)
        .isEqualTo(JobRunReason.CONCURRENCY_LIMIT.value());
    assertThat(o.requeueAfter()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void endsCancelledWhenItsJobForbidsConcurrentRunsAndAnotherIsActive() {
    lookup.add(ReconcilersTest.job("j", "p", null)).getSpec().concurrencyPolicy = "forbid";
    lookup.add(RunPolicyTest.run("older", -5, JobRunPhase.RUNNING.value()));
    Outcome<JobRunStatus> o = reconciler.reconcile(run(60), lookup, CREATED.plusSeconds(1));

    assertThat(o.status().phase).isEqualTo(JobRunPhase.CANCELLED.value());
    assertThat(o.status().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.CONCURRENCY_FORBIDDEN.value());
    assertThat(o.status().finishedAt).isEqualTo(CREATED.plusSeconds(1).toString());
    assertThat(o.requeueAfter()).isNull();
  }

  @Test
  void endsCancelledWhenANewerRunReplacesIt() {
    lookup.add(ReconcilersTest.job("j", "p", null)).getSpec().concurrencyPolicy = "replace";
    lookup.add(RunPolicyTest.run("newer", 5, null));
    Outcome<JobRunStatus> o = reconciler.reconcile(run(60), lookup, CREATED.plusSeconds(6));

    assertThat(o.status().phase).isEqualTo(JobRunPhase.CANCELLED.value());
    assertThat(o.status().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.REPLACED.value());
  }

  @Test
  void runsOfOtherJobsTakeNoSlot() {
    lookup.add(ReconcilersTest.job("j", "p", null)).getSpec().concurrencyPolicy = "forbid";
    JobRun other = lookup.add(RunPolicyTest.run("other", -5, JobRunPhase.RUNNING.value()));
    other.getSpec().jobName = "k";
    Outcome<JobRunStatus> o = reconciler.reconcile(run(60), lookup, CREATED);

    assertThat(o.status().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.NO_AGENT.value());
  }

  static JobRun run(int timeoutSeconds) {
    JobRun r = new JobRun();
    r.setMetadata(ReconcilersTest.meta("run-1"));
    r.getMetadata().setCreationTimestamp(CREATED.toString());
    r.setSpec(new JobRunSpec());
    r.getSpec().jobName = "j";
    r.getSpec().timeoutSeconds = timeoutSeconds;
    return r;
  }
}
