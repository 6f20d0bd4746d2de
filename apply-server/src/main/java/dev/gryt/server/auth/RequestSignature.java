package dev.gryt.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC request signing, as every gryt client does it: {@code Authorization: HMAC
 * <key_id>:<timestamp>:<hex signature>}, where the timestamp is ISO-8601 UTC (it contains colons)
 * and the signature is the hex HMAC-SHA256, under the key's secret, of {@code
 * METHOD\npath-with-query\ntimestamp\nbody}.
 *
 * @param keyId {@code key_…}
 * @param timestamp exactly as sent: it is part of the signed message
 * @param signature lowercase hex
 */
public record RequestSignature(String keyId, String timestamp, String signature) {
  public static final String SCHEME = "HMAC ";

  /** Reads an {@code Authorization} header; empty when it is not a well-formed HMAC one. */
  public static Optional<RequestSignature> parse(String header) {
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.empty();
    }
    String value = header.substring(SCHEME.length()).strip();
    int first = value.indexOf(':');
    int last = value.lastIndexOf(':');
    if (first <= 0 || last <= first + 1 || last == value.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(
        new RequestSignature(
            value.substring(0, first),
            value.substring(first + 1, last),
            value.substring(last + 1).toLowerCase(java.util.Locale.ROOT)));
  }

  /** The instant the timestamp names; empty when it is not ISO-8601 with a zone or offset. */
  public Optional<Instant> instant() {
    try {
      return Optional.of(OffsetDateTime.parse(timestamp).toInstant());
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(Instant.parse(timestamp));
      } catch (DateTimeParseException again) {
        return Optional.empty();
      }
    }
  }

  /** Whether the signature is right for this request under {@code secret}, in constant time. */
  public boolean verifies(String secret, String method, String pathAndQuery, byte[] body) {
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(sign(secret, method, pathAndQuery, timestamp, body), given);
  }

  /** The {@code Authorization} header value for a request. */
  public static String header(
      String keyId,
      String secret,
      String method,
      String pathAndQuery,
      String timestamp,
      byte[] body) {
    return SCHEME
        + keyId
        + ":"
        + timestamp
        + ":"
        + HexFormat.of().formatHex(sign(secret, method, pathAndQuery, timestamp, body));
  }

  static byte[] sign(
      String secret, String method, String pathAndQuery, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(
          (method.toUpperCase(java.util.Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update((pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update((timestamp + "\n").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "RequestSignature[" + keyId + ", " + timestamp + "]";
  }
}
