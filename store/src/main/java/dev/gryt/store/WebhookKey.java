package dev.gryt.store;

/**
 * The secret part of a Webhook's trigger URL ({@code /api/v1/webhooks/run/<key>}): 256 random bits,
 * {@code wh_} + base64url. It is kept in its own table, never in the resource, so that listing
 * Webhooks never shows it.
 */
public record WebhookKey(String namespace, String name, String key) {
  @Override
  public String toString() {
    // Records print every component; a key in a log line would be a leaked key.
    return "WebhookKey[" + namespace + "/" + name + "]";
  }
}
