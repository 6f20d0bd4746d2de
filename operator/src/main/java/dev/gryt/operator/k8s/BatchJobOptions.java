package dev.gryt.operator.k8s;

import java.util.Objects;

/**
 * How JobRuns become batch/v1 Jobs.
 *
 * @param runnerImage the gryt image: its init containers copy {@code gryt-step-runner} into the pod
 *     and check the code out (it needs {@code git})
 * @param defaultImage the image of steps whose step and pipeline name none
 * @param ttlSecondsAfterFinished how long Kubernetes keeps a finished batch Job and its pod (and so
 *     its logs); the JobRun keeps the result either way
 * @param runAsUser the non-root user every container of a run runs as
 * @param readOnlyRootFilesystem whether step containers get a read-only root filesystem (the
 *     workspace, {@code /tmp} and {@code HOME=/tmp} stay writable); some build tools need it off
 * @param serviceAccountName the ServiceAccount of run pods; null for the namespace's default, and
 *     then no API token is mounted
 */
public record BatchJobOptions(
    String runnerImage,
    String defaultImage,
    int ttlSecondsAfterFinished,
    long runAsUser,
    boolean readOnlyRootFilesystem,
    String serviceAccountName) {
  public BatchJobOptions {
    Objects.requireNonNull(runnerImage, "runnerImage");
    Objects.requireNonNull(defaultImage, "defaultImage");
  }

  /** Runs with the given gryt image; steps without an image run in it too. */
  public static BatchJobOptions withRunnerImage(String runnerImage) {
    return new BatchJobOptions(runnerImage, runnerImage, 3600, 10001, true, null);
  }

  public BatchJobOptions withDefaultImage(String image) {
    return new BatchJobOptions(
        runnerImage,
        image,
        ttlSecondsAfterFinished,
        runAsUser,
        readOnlyRootFilesystem,
        serviceAccountName);
  }

  public BatchJobOptions withTtlSecondsAfterFinished(int seconds) {
    return new BatchJobOptions(
        runnerImage, defaultImage, seconds, runAsUser, readOnlyRootFilesystem, serviceAccountName);
  }

  public BatchJobOptions withRunAsUser(long uid) {
    return new BatchJobOptions(
        runnerImage,
        defaultImage,
        ttlSecondsAfterFinished,
        uid,
        readOnlyRootFilesystem,
        serviceAccountName);
  }

  public BatchJobOptions withReadOnlyRootFilesystem(boolean readOnly) {
    return new BatchJobOptions(
        runnerImage,
        defaultImage,
        ttlSecondsAfterFinished,
        runAsUser,
        readOnly,
        serviceAccountName);
  }

  public BatchJobOptions withServiceAccountName(String name) {
    return new BatchJobOptions(
        runnerImage,
        defaultImage,
        ttlSecondsAfterFinished,
        runAsUser,
        readOnlyRootFilesystem,
        name);
  }
}
