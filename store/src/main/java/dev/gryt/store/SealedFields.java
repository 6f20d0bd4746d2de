package dev.gryt.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import java.util.Map;

/**
 * The spec fields that hold secrets (a Webhook's {@code secret}, a GitHubRepo's {@code
 * access_token}) and how a store keeps them: sealed ({@link SecretSealer}) wherever it writes them
 * — the resource row, the event log, a custom resource — and opened in every object it returns, so
 * that its callers (the webhook check, the repo probe) see what the user gave.
 *
 * <p>A value given by a caller is always cleartext, also when it looks sealed: only the value this
 * store sealed for this very object is kept as it is (a caller writing back what it read gives the
 * cleartext, which is found equal and keeps its sealed form, so an unchanged apply changes
 * nothing). A value that does not open (another master key) is left sealed: the webhook's
 * signatures then fail and the token does not work, rather than every read of the object.
 */
public final class SealedFields {
  /** The sealed field of each kind that has one, in {@code spec}. */
  static final Map<ResourceKind, String> FIELDS =
      Map.of(ResourceKind.WEBHOOK, "secret", ResourceKind.GITHUB_REPO, "access_token");

  private final SecretSealer sealer;

  public SealedFields(SecretSealer sealer) {
    this.sealer = sealer;
  }

  public SecretSealer sealer() {
    return sealer;
  }

  /** Whether objects of {@code kind} have a sealed field. */
  public static boolean has(ResourceKind kind) {
    return FIELDS.containsKey(kind);
  }

  /** The associated data a value is sealed with: it binds the value to its object and field. */
  static String context(ResourceKind kind, String namespace, String name) {
    return kind.kind() + "/" + namespace + "/" + name + "/" + FIELDS.get(kind);
  }

  // ---------------------------------------------------------------- JSON trees (SQL stores)

  /**
   * Seals the secret field of {@code body} (a whole object about to be stored) in place; {@code
   * before} is the stored body (sealed) or null.
   */
  void sealTree(
      ResourceKind kind, String namespace, String name, ObjectNode body, JsonNode before) {
    String field = FIELDS.get(kind);
    if (field == null || !(body.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    JsonNode value = spec.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      return;
    }
    String context = context(kind, namespace, name);
    String stored = before == null ? null : before.path("spec").path(field).textValue();
    spec.put(field, sealOrKeep(value.asText(), stored, context));
  }

  /**
   * Seals a stored body that may hold a cleartext secret (the migration's work); returns whether it
   * changed.
   */
  boolean sealStoredTree(ResourceKind kind, String namespace, String name, ObjectNode body) {
    String field = FIELDS.get(kind);
    if (field == null || !(body.get("spec") instanceof ObjectNode spec)) {
      return false;
    }
    JsonNode value = spec.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      return false;
    }
    if (SecretSealer.isSealed(value.asText())) {
      return false;
    }
    spec.put(field, sealer.seal(value.asText(), context(kind, namespace, name)));
    return true;
  }

  // ---------------------------------------------------------------- typed objects

  /** Opens the secret field of an object read from storage, in place; returns it. */
  public <R extends GrytResource<?, ?>> R open(R resource) {
    if (resource instanceof Webhook webhook && webhook.getSpec() != null) {
      webhook.getSpec().secret = opened(webhook, webhook.getSpec().secret);
    } else if (resource instanceof GitHubRepo repo && repo.getSpec() != null) {
      repo.getSpec().accessToken = opened(repo, repo.getSpec().accessToken);
    }
    return resource;
  }

  /**
   * Seals the secret field of {@code next} (about to be written) in place; {@code stored} is the
   * object as stored (sealed), or null when it is new.
   */
  public void seal(GrytResource<?, ?> next, GrytResource<?, ?> stored) {
    if (next instanceof Webhook webhook && webhook.getSpec() != null) {
      String before =
          stored instanceof Webhook s && s.getSpec() != null ? s.getSpec().secret : null;
      webhook.getSpec().secret = sealed(webhook, webhook.getSpec().secret, before);
    } else if (next instanceof GitHubRepo repo && repo.getSpec() != null) {
      String before =
          stored instanceof GitHubRepo s && s.getSpec() != null ? s.getSpec().accessToken : null;
      repo.getSpec().accessToken = sealed(repo, repo.getSpec().accessToken, before);
    }
  }

  private String opened(GrytResource<?, ?> resource, String value) {
    if (!SecretSealer.isSealed(value)) {
      return value;
    }
    try {
      return sealer.open(value, contextOf(resource));
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  private String sealed(GrytResource<?, ?> resource, String value, String stored) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    return sealOrKeep(value, stored, contextOf(resource));
  }

  private String sealOrKeep(String given, String stored, String context) {
    if (SecretSealer.isSealed(stored)) {
      if (given.equals(stored)) {
        // Written back as read, unopened (another master key): keep it.
        return stored;
      }
      try {
        if (given.equals(sealer.open(stored, context))) {
          return stored;
        }
      } catch (IllegalArgumentException e) {
        // Sealed under another key: the given value replaces it.
      }
    }
    return sealer.seal(given, context);
  }

  private static String contextOf(GrytResource<?, ?> resource) {
    String namespace = resource.getMetadata().getNamespace();
    return context(
        resource.kind(),
        namespace == null || namespace.isEmpty() ? ResourceStore.DEFAULT_NAMESPACE : namespace,
        resource.getMetadata().getName());
  }
}
