package dev.gryt.agent.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * What the agent posts to the run's {@code report_url}: the run's phase, every step's state, and
 * the output since the previous report. Sent at least every 5 s while the run goes on (the
 * heartbeat), soon after anything changes, and once at the end.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
    String runId,
    int attempt,
    Phase phase,
    String commit,
    String message,
    List<StepReport> steps,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<LogChunk> logs) {

  /** The run's phase; every one but {@code Running} is final. */
  public enum Phase {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled;

    public boolean isFinal() {
      return this != Running;
    }
  }

  /** A step's state. */
  public enum StepState {
    Pending,
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    Skipped
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StepReport(
      String name, StepState state, Integer exitCode, Instant startedAt, Instant finishedAt) {}

  /** Output of one step: whole lines, each ending with a newline. */
  public record LogChunk(String step, String text) {}

  public RunReport withLogs(List<LogChunk> logs) {
    return new RunReport(runId, attempt, phase, commit, message, steps, logs);
  }
}
