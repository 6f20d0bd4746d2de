package dev.gryt.crds.agent;

import dev.gryt.crds.Condition;
import dev.gryt.crds.ConditionReason;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.StepState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Whether an agent's {@link RunReport} counts, and the status it gives the run. Pure: the report
 * endpoint does the reading and writing.
 *
 * <p>A report counts only for the attempt the run is placed on now, with that placement's token: a
 * run taken back from a silent agent (its lease lost) refuses the old attempt's reports, so a late
 * agent can never complete a run twice.
 */
public final class RunReports {
  /** What the endpoint answers a report. */
  public enum Verdict {
    /** Apply it (200). */
    ACCEPT,
    /** Another attempt holds the run, or none does now (409): the agent stops. */
    STALE,
    /** The token is not this attempt's (401). */
    UNAUTHORIZED,
    /** The run is finished, cancelled or deleted (410): the agent stops. */
    GONE
  }

  /** The reasons of the endings an agent reports; the server's own endings have others. */
  private static final java.util.Set<JobRunReason> AGENT_ENDINGS =
      java.util.EnumSet.of(
          JobRunReason.SUCCEEDED,
          JobRunReason.STEP_FAILED,
          JobRunReason.STEP_TIMED_OUT,
          JobRunReason.CANCELLED_ON_AGENT);

  private RunReports() {}

  /**
   * Judges a report for {@code run} (null: no such run) that came with {@code bearerToken}. The
   * token is compared by its hash, in constant time.
   */
  public static Verdict judge(JobRun run, RunReport report, String bearerToken) {
    if (run == null) {
      return Verdict.GONE;
    }
    JobRunStatus status = run.getStatus();
    if (status == null
        || status.attempt == null
        || report.attempt() == null
        || !status.attempt.equals(report.attempt())) {
      return Verdict.STALE;
    }
    boolean placed = JobRunPhase.placed(status.phase);
    if (!placed && !JobRunPhase.terminal(status.phase)) {
      // Its lease was lost and it waits for another agent: this attempt is over.
      return Verdict.STALE;
    }
    if (status.reportTokenSha256 == null
        || bearerToken == null
        || !MessageDigest.isEqual(
            status.reportTokenSha256.getBytes(StandardCharsets.US_ASCII),
            sha256Hex(bearerToken).getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.UNAUTHORIZED;
    }
    if (!placed || Boolean.TRUE.equals(run.getSpec().cancelRequested)) {
      return Verdict.GONE;
    }
    return Verdict.ACCEPT;
  }

  /**
   * Whether a run ended by its agent's report, rather than on the server's side (cancelled, timed
   * out, its Job gone, replaced, its agent lost).
   */
  public static boolean endedByAgent(JobRunStatus status) {
    if (status == null || !JobRunPhase.terminal(status.phase)) {
      return false;
    }
    String reason = status.condition(Condition.SUCCEEDED).map(c -> c.reason).orElse("");
    return JobRunReason.parse(reason).filter(AGENT_ENDINGS::contains).isPresent();
  }

  /**
   * The status an accepted report gives: the lease renewed, the steps and commit as reported,
   * {@code Scheduled → Running} on the first report, and the ending the agent reports.
   *
   * @throws IllegalArgumentException for a phase an agent may not report
   */
  public static JobRunStatus apply(JobRun run, RunReport report, Instant now) {
    if (report.phase() == null || !report.phase().reportable()) {
      throw new IllegalArgumentException(
          "phase must be Running, Succeeded, Failed, TimedOut or Cancelled, not " + report.phase());
    }
    JobRunStatus status = ResourceCodec.json().convertValue(run.getStatus(), JobRunStatus.class);
    status.heartbeatAt = now.toString();
    if (report.commit() != null && !report.commit().isBlank()) {
      status.commit = report.commit();
    }
    if (report.steps() != null) {
      status.steps = report.steps().stream().map(RunReport.StepReport::toStatus).toList();
    }
    if (status.startedAt == null) {
      status.startedAt = now.toString();
    }
    status.phase = report.phase().value();
    List<Condition> conditions = new ArrayList<>();
    switch (report.phase()) {
      case RUNNING -> {
        String message = "running on " + status.agent + " (attempt " + status.attempt + ")";
        conditions.add(
            condition(run, Condition.SUCCEEDED, "Unknown", JobRunReason.RUNNING, message, now));
        conditions.add(
            condition(run, Condition.READY, "False", JobRunReason.RUNNING, message, now));
      }
      case SUCCEEDED -> {
        status.finishedAt = now.toString();
        String message = orElse(report.message(), "every step succeeded");
        conditions.add(
            condition(run, Condition.SUCCEEDED, "True", JobRunReason.SUCCEEDED, message, now));
        conditions.add(
            condition(run, Condition.READY, "True", JobRunReason.SUCCEEDED, message, now));
      }
      default -> {
        status.finishedAt = now.toString();
        JobRunReason reason =
            switch (report.phase()) {
              case TIMED_OUT -> JobRunReason.STEP_TIMED_OUT;
              case CANCELLED -> JobRunReason.CANCELLED_ON_AGENT;
              default -> JobRunReason.STEP_FAILED;
            };
        String message = orElse(report.message(), failureMessage(report));
        conditions.add(condition(run, Condition.SUCCEEDED, "False", reason, message, now));
        conditions.add(condition(run, Condition.READY, "False", reason, message, now));
      }
    }
    status.conditions = conditions;
    return status;
  }

  /** Hex SHA-256 of a token, as {@link JobRunStatus#reportTokenSha256} holds it. */
  public static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String failureMessage(RunReport report) {
    if (report.steps() != null) {
      for (RunReport.StepReport step : report.steps()) {
        if (step.exitCode() != null && step.exitCode() != 0) {
          return "step " + step.name() + " exited with code " + step.exitCode();
        }
        if (step.state() == StepState.FAILED || step.state() == StepState.TIMED_OUT) {
          return "step " + step.name() + " " + step.state().value().toLowerCase(Locale.ROOT);
        }
      }
    }
    return "the agent reported " + report.phase();
  }

  /** A condition keeping its previous lastTransitionTime unless its status moved. */
  private static Condition condition(
      JobRun run, String type, String value, ConditionReason reason, String message, Instant now) {
    Condition c = new Condition(type, value, reason.value(), message);
    c.observedGeneration = run.getMetadata().getGeneration();
    c.lastTransitionTime =
        run.getStatus()
            .condition(type)
            .filter(p -> value.equals(p.status) && p.lastTransitionTime != null)
            .map(p -> p.lastTransitionTime)
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return c;
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
