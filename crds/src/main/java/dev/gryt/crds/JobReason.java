package dev.gryt.crds;

/** Why a Job's {@code Ready} condition says what it says. */
public enum JobReason implements ConditionReason {
  RESOLVED("Resolved"),
  PIPELINE_NOT_FOUND("PipelineNotFound"),
  PIPELINE_NOT_READY("PipelineNotReady"),
  REPO_NOT_FOUND("RepoNotFound"),
  REPO_NOT_READY("RepoNotReady");

  private final String value;

  JobReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
