package dev.gryt.crds;

/**
 * A condition's CamelCase reason ({@link Condition#reason} stores {@link #value()}). Each kind has
 * an enum of its own, as Tekton keeps {@code TaskRunReason} beside {@code TaskRun}: {@link
 * PipelineReason}, {@link GitHubRepoReason}, {@link JobReason}, {@link WebhookReason}, {@link
 * JobRunReason}.
 */
public interface ConditionReason {
  /** The stored form, e.g. {@code PipelineNotFound}. */
  String value();

  /** Whether a stored condition carries this reason. */
  default boolean is(String stored) {
    return value().equals(stored);
  }
}
