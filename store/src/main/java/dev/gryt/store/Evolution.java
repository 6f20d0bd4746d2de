package dev.gryt.store;

/**
 * An evolution (the proof of one change of a generation) as the server keeps it.
 *
 * @param codeName the memorable name people type ({@code smooth-summer-horizon}), unique per
 *     account
 * @param status {@code in_progress}, {@code pass} or {@code fail}
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
    String updatedAt) {}
