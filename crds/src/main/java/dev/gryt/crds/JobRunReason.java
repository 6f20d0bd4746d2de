package dev.gryt.crds;

import java.util.Optional;

/** Why a JobRun's {@code Ready} and {@code Succeeded} conditions say what they say. */
public enum JobRunReason implements ConditionReason {
  // waiting to be placed
  NO_AGENT("NoAgent"),
  AGENTS_BUSY("AgentsBusy"),
  NO_ISOLATING_AGENT("NoIsolatingAgent"),
  AGENT_LOST("AgentLost"),
  AGENT_UNAVAILABLE("AgentUnavailable"),
  CONCURRENCY_LIMIT("ConcurrencyLimit"),
  // placed
  SCHEDULED("Scheduled"),
  RUNNING("Running"),
  // endings decided by the server
  CANCELLED("Cancelled"),
  JOB_DELETED("JobDeleted"),
  REPLACED("Replaced"),
  CONCURRENCY_FORBIDDEN("ConcurrencyForbidden"),
  TIMED_OUT("TimedOut"),
  BATCH_JOB_LOST("BatchJobLost"),
  // what the run needs is missing
  JOB_NOT_FOUND("JobNotFound"),
  PIPELINE_NOT_FOUND("PipelineNotFound"),
  REPO_NOT_FOUND("RepoNotFound"),
  TOKEN_UNAVAILABLE("TokenUnavailable"),
  TOKEN_ENV_NOT_ALLOWED("TokenEnvNotAllowed"),
  // endings the run's steps decide (an agent's report, a batch Job's pod)
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  STEP_FAILED("StepFailed"),
  STEP_TIMED_OUT("StepTimedOut"),
  CANCELLED_ON_AGENT("CancelledOnAgent");

  private final String value;

  JobRunReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }

  /** The reason a stored condition names; empty for none or another kind's. */
  public static Optional<JobRunReason> parse(String value) {
    for (JobRunReason reason : values()) {
      if (reason.value.equals(value)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
