package dev.gryt.cli.local;

/**
 * An evolution as {@code gryt.db} holds it: the proof of one change of a generation.
 *
 * @param status {@value #IN_PROGRESS}, {@value #PASS} or {@value #FAIL}
 */
public record LocalEvolution(
    long id,
    String codeName,
    long generationId,
    String changeId,
    String status,
    String pipeline,
    String runId,
    String startedAt,
    String completedAt,
    String syncStatus,
    String remoteId,
    String syncError) {
  public static final String IN_PROGRESS = "in_progress";
  public static final String PASS = "pass";
  public static final String FAIL = "fail";

  public boolean completed() {
    return !IN_PROGRESS.equals(status);
  }
}
