package dev.gryt.store;

/**
 * An evolution (the proof of one change of a generation) as the server keeps it.
 *
 * @param codeName the memorable name people type ({@code smooth-summer-horizon}), unique per
 *     account
 * @param status {@code in_progress}, {@code pass} or {@code fail}
 * @param clientId the id a client's own database gave it ({@code evolution_id}), or null
 * @param tag the git tag the client made for it, or null
 * @param pipelineRunId the proof run ({@code /pipeline-runs}) that proved it, or null
 * @param createdBy who made it, as the client says, or null
 */
public record Evolution(
    String id,
    String accountId,
    String generationId,
    String changeId,
    String codeName,
    String status,
    String pipeline,
    String startedAt,
    String completedAt,
    String createdAt,
    String updatedAt,
    String clientId,
    String tag,
    String pipelineRunId,
    String createdBy) {
  /** An evolution without the original client's extra fields. */
  public Evolution(
      String id,
      String accountId,
      String generationId,
      String changeId,
      String codeName,
      String status,
      String pipeline,
      String startedAt,
      String completedAt,
      String createdAt,
      String updatedAt) {
    this(
        id,
        accountId,
        generationId,
        changeId,
        codeName,
        status,
        pipeline,
        startedAt,
        completedAt,
        createdAt,
        updatedAt,
        null,
        null,
        null,
        null);
  }
}
