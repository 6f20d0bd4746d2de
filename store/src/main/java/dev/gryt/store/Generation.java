package dev.gryt.store;

/**
 * A generation (release contract) as the server keeps it: the cloud twin of a local-first
 * generation. {@code changesJson} is the JSON array of {@code {id, type, title, description}} that
 * the API validated; the store keeps it as given.
 *
 * @param status {@value #DRAFT} or {@value #PROMOTED}; a promoted generation is immutable
 * @param clientId the id a client's own database gave it ({@code generation_id}), or null
 * @param pipelineTemplate the client's pipeline template as JSON, or null
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
    String updatedAt,
    String clientId,
    String pipelineTemplate) {
  public static final String DRAFT = "draft";
  public static final String PROMOTED = "promoted";

  /** A generation without a client's own id or pipeline template. */
  public Generation(
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
    this(
        id,
        accountId,
        version,
        description,
        changesJson,
        status,
        promotedBy,
        promotedAt,
        createdAt,
        updatedAt,
        null,
        null);
  }

  public boolean promoted() {
    return PROMOTED.equals(status);
  }
}
