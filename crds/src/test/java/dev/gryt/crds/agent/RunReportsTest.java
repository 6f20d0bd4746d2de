package dev.gryt.crds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.StepState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunReportsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void countsOnlyTheCurrentAttemptWithItsToken() {
    JobRun run = placed("Scheduled", 2);

    assertThat(RunReports.judge(run, report(2, "Running"), "secret"))
        .isEqualTo(RunReports.Verdict.ACCEPT);
    assertThat(RunReports.judge(run, report(1, "Running"), "secret"))
        .isEqualTo(RunReports.Verdict.STALE);
    assertThat(RunReports.judge(run, report(2, "Running"), "guess"))
        .isEqualTo(RunReports.Verdict.UNAUTHORIZED);
    assertThat(RunReports.judge(null, report(2, "Running"), "secret"))
        .isEqualTo(RunReports.Verdict.GONE);
  }

  @Test
  void aRunTakenBackOrEndedRefusesItsAttempt() {
    assertThat(RunReports.judge(placed("Pending", 2), report(2, "Running"), "secret"))
        .isEqualTo(RunReports.Verdict.STALE);
    assertThat(RunReports.judge(placed("Cancelled", 2), report(2, "Running"), "secret"))
        .isEqualTo(RunReports.Verdict.GONE);
    JobRun cancelRequested = placed("Running", 2);
    cancelRequested.getSpec().cancelRequested = true;
    assertThat(RunReports.judge(cancelRequested, report(2, "Running"), "secret"))
        .isEqualTo(RunReports.Verdict.GONE);
  }

  @Test
  void theFirstReportStartsTheRunAndTheLastEndsIt() {
    JobRun run = placed("Scheduled", 1);
    RunReport running =
        new RunReport("run-x", 1, JobRunPhase.RUNNING, "abc123", null, null, List.of());
    JobRunStatus s = RunReports.apply(run, running, T0.plusSeconds(3));

    assertThat(s.phase).isEqualTo("Running");
    assertThat(s.commit).isEqualTo("abc123");
    assertThat(s.startedAt).isEqualTo(T0.plusSeconds(3).toString());
    assertThat(s.heartbeatAt).isEqualTo(T0.plusSeconds(3).toString());
    assertThat(s.agent).isEqualTo("http://agent");

    run.setStatus(s);
    RunReport failed =
        new RunReport(
            "run-x",
            1,
            JobRunPhase.FAILED,
            null,
            null,
            List.of(new RunReport.StepReport("test", StepState.FAILED, 3, null, null)),
            List.of());
    JobRunStatus f = RunReports.apply(run, failed, T0.plusSeconds(9));
    assertThat(f.phase).isEqualTo("Failed");
    assertThat(f.finishedAt).isEqualTo(T0.plusSeconds(9).toString());
    Condition succeeded = f.condition(Condition.SUCCEEDED).orElseThrow();
    assertThat(succeeded.reason).isEqualTo(JobRunReason.STEP_FAILED.value());
    assertThat(succeeded.message).isEqualTo("step test exited with code 3");
    assertThat(f.steps).singleElement().extracting(x -> x.exitCode).isEqualTo(3);
  }

  @Test
  void refusesPhasesAnAgentMayNotReport() {
    assertThatThrownBy(() -> RunReports.apply(placed("Running", 1), report(1, "Pending"), T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static RunReport report(int attempt, String phase) {
    return new RunReport("run-x", attempt, JobRunPhase.of(phase), null, null, null, List.of());
  }

  static JobRun placed(String phase, int attempt) {
    JobRun run = new JobRun();
    run.setMetadata(new ObjectMetaBuilder().withName("x").withNamespace("default").build());
    run.setSpec(new JobRunSpec());
    JobRunStatus s = new JobRunStatus();
    s.phase = phase;
    s.attempt = attempt;
    s.agent = "http://agent";
    s.reportTokenSha256 = RunReports.sha256Hex("secret");
    run.setStatus(s);
    return run;
  }
}
