package dev.gryt.store;

/**
 * The secret part of a Webhook's trigger URL ({@code /api/v1/webhooks/run/<key>}): 256 random bits,
 * {@code wh_} + base64url. It is kept in its own table, never in the resource, so that listing
 * Webhooks never shows it; there as a keyed hash (how a delivery finds its Webhook) and a sealed
 * copy (how its owner reads it back), never in the clear.
 */
public record WebhookKey(String namespace, String name, String key) {
  /** What a stored copy of the key is sealed for ({@link SecretSealer#seal(String, String)}). */
  static String sealingContext(String namespace, String name) {
    return "WebhookKey/" + namespace + "/" + name;
  }

  @Override
  public String toString() {
    // Records print every component; a key in a log line would be a leaked key.
    return "WebhookKey[" + namespace + "/" + name + "]";
  }
}
