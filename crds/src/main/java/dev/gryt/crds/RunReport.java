package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What an agent reports about the attempt of a run it holds: the body of {@code POST
 * /api/v1/agent/runs/{run_id}/report}. Sent at least every 5 seconds, so a report is also the
 * heartbeat that renews the lease. {@link RunReports} decides whether it counts and what it does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RunReport {
  @JsonProperty("run_id")
  public String runId;

  public Integer attempt;

  /** Running, Succeeded, Failed, TimedOut or Cancelled. */
  public String phase;

  public String commit;

  public String message;

  /** Every step's state so far; replaces what the run's status holds. */
  public List<JobRunStatus.StepStatus> steps;

  /** Output since the previous report, in order. */
  public List<LogText> logs;

  /** Output of one step. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class LogText {
    public String step;
    public String text;

    public LogText() {}

    public LogText(String step, String text) {
      this.step = step;
      this.text = text;
    }
  }
}
