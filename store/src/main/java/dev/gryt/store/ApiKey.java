package dev.gryt.store;

import java.time.Instant;

/**
 * An API key: {@code key_…} id and a secret the server keeps sealed (encrypted under its master
 * key), because checking an HMAC signature needs the secret itself.
 *
 * @param sealedSecret the secret as the API server sealed it; never the secret
 * @param expiresAt null for a key that does not expire
 * @param revokedAt null while the key is live
 */
public record ApiKey(
    String keyId,
    String accountId,
    String name,
    String sealedSecret,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt) {

  /** Whether the key authenticates requests at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public String toString() {
    return "ApiKey[" + keyId + ", " + name + "]";
  }
}
