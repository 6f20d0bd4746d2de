package dev.gryt.store;

/**
 * A generation (release contract) as the server keeps it: the cloud twin of a local-first
 * generation. {@code changesJson} is the JSON array of {@code {id, type, title, description}} that
 * the API validated; the store keeps it as given.
 *
 * @param status {@value #DRAFT} or {@value #PROMOTED}; a promoted generation is immutable
 */
public record Generation(
    String id,
    String accountId,
    String version,
    String description,
    String changesJson,
    String status,
    String promotedBy,
    String promotedAt,
    String createdAt,
    String updatedAt) {
  public static final String DRAFT = "draft";
  public static final String PROMOTED = "promoted";

  public boolean promoted() {
    return PROMOTED.equals(status);
  }
}
