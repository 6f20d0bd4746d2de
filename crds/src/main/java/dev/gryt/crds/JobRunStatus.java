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
