package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Observed state of a JobRun: its phase, each step, and the commit it ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobRunStatus extends GrytStatus {
  /** Pending, Scheduled, Running, Succeeded, Failed, Cancelled or TimedOut. */
  public String phase;

  public String commit;

  @JsonProperty("started_at")
  public String startedAt;

  @JsonProperty("finished_at")
  public String finishedAt;

  public List<StepStatus> steps;

  /**
   * The placement epoch: 1 for the first agent a run is placed on, one more for each placement
   * after a lost lease. Reports carrying another attempt are refused, so no run completes twice.
   */
  public Integer attempt;

  /** The agent the current attempt runs on; absent while the run waits for one. */
  public String agent;

  /**
   * When the agent last reported (or the run was placed): the lease runs from here. A run whose
   * agent stays silent for the lease is taken back.
   */
  @JsonProperty("heartbeat_at")
  public String heartbeatAt;

  /**
   * SHA-256 (hex) of the bearer token the current attempt's reports must carry. The token itself is
   * given to the agent only and never stored.
   */
  @JsonProperty("report_token_sha256")
  public String reportTokenSha256;

  /** On Kubernetes: the batch/v1 Job that runs it, in the run's namespace. */
  @JsonProperty("batch_job")
  public String batchJob;

  /** On Kubernetes: the pod the batch Job started for it. */
  public String pod;

  /** State of one step of a run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class StepStatus {
    public String name;
    public String state;

    @JsonProperty("exit_code")
    public Integer exitCode;

    @JsonProperty("started_at")
    public String startedAt;

    @JsonProperty("finished_at")
    public String finishedAt;
  }
}
