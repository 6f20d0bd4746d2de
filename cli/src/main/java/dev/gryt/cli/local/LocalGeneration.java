package dev.gryt.cli.local;

import java.util.List;

/**
 * A generation as {@code gryt.db} holds it.
 *
 * @param syncStatus one of {@link SyncStatus}'s values
 * @param remoteId the id of its cloud twin ({@code gen-…}), null until pushed or pulled
 */
public record LocalGeneration(
    long id,
    String version,
    String description,
    String status,
    String promotedBy,
    String promotedAt,
    String tag,
    String createdAt,
    String updatedAt,
    String syncStatus,
    String remoteId,
    String syncError,
    List<Change> changes) {
  public static final String DRAFT = "draft";
  public static final String PROMOTED = "promoted";

  public boolean promoted() {
    return PROMOTED.equals(status);
  }

  public GenerationFile file() {
    return new GenerationFile(version, description, changes);
  }
}
