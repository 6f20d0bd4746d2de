package dev.gryt.crds.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.StepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent posts to the run's {@code report_url} ({@link AgentProtocol#REPORT}) about the
 * attempt it holds: the run's phase, every step's state, and the output since the previous report.
 * Sent at least every 5 s while the run goes on (the heartbeat that renews the lease), soon after
 * anything changes, and once at the end. {@link RunReports} decides whether it counts and what it
 * does. JSON in snake_case; {@code logs} is always written, other absent fields are left out;
 * unknown fields are ignored so an agent may add some.
 *
 * @param attempt the placement epoch the agent was given; null only in a malformed report
 * @param phase one of the {@link JobRunPhase#reportable()} phases
 * @param steps every step's state so far; replaces what the run's status holds
 * @param logs output since the previous report, in order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunReport(
    String runId,
    Integer attempt,
    JobRunPhase phase,
    String commit,
    String message,
    List<StepReport> steps,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<LogText> logs) {

  /** One step's state; the instants in ISO-8601 UTC. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StepReport(
      String name, StepState state, Integer exitCode, Instant startedAt, Instant finishedAt) {

    /** As a run's status stores it. */
    public JobRunStatus.StepStatus toStatus() {
      JobRunStatus.StepStatus status = new JobRunStatus.StepStatus();
      status.name = name;
      status.state = state == null ? null : state.value();
      status.exitCode = exitCode;
      status.startedAt = startedAt == null ? null : startedAt.toString();
      status.finishedAt = finishedAt == null ? null : finishedAt.toString();
      return status;
    }
  }

  /** Output of one step: whole lines, each ending with a newline. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LogText(String step, String text) {}

  /**
   * What makes this report unusable for the run {@code urlRunId} it was posted to; empty when it is
   * fit to be judged ({@link RunReports#judge}).
   */
  public List<String> problems(String urlRunId) {
    List<String> problems = new ArrayList<>();
    if (runId != null && !runId.equals(urlRunId)) {
      problems.add("run_id " + runId + " in the body is not the run " + urlRunId + " of the URL");
    }
    if (attempt == null || phase == null) {
      problems.add("a report needs attempt and phase");
    } else if (!phase.reportable()) {
      problems.add("phase must be Running, Succeeded, Failed, TimedOut or Cancelled, not " + phase);
    }
    return problems;
  }

  /** The same report carrying {@code logs} instead. */
  public RunReport withLogs(List<LogText> logs) {
    return new RunReport(runId, attempt, phase, commit, message, steps, logs);
  }
}
