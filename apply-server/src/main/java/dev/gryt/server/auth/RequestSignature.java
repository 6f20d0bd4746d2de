package dev.gryt.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

  /** One Mac per thread: looking up the provider for each request showed in profiles. */
  private static final ThreadLocal<Mac> MAC =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
          });

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
    Instant common = parseCommonForm(timestamp);
    if (common != null) {
      return Optional.of(common);
    }
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

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)}, the form every client sends, read by hand;
   * null for anything else (which the JDK's parsers then try). The JDK's parse cost a signed read
   * more CPU than checking its HMAC.
   */
  static Instant parseCommonForm(String t) {
    int n = t.length();
    if (n < 20
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || (t.charAt(10) != 'T' && t.charAt(10) != 't')
        || t.charAt(13) != ':'
        || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (t.charAt(i) == '.') {
      int start = ++i;
      while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return null;
      }
      nanos = digits(t, start, count);
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == n - 1 && (t.charAt(i) == 'Z' || t.charAt(i) == 'z')) {
      offsetSeconds = 0;
    } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
      int hours = digits(t, i + 1, 2);
      int minutes = digits(t, i + 4, 2);
      if ((hours | minutes) < 0 || minutes > 59) {
        return null;
      }
      offsetSeconds = (t.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal number in {@code t[from, from + count)}; -1 when any of it is not a digit. */
  private static int digits(String t, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
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
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(
          (method.toUpperCase(java.util.Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update((pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update((timestamp + "\n").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 takes any key", e);
    }
  }

  @Override
  public String toString() {
    return "RequestSignature[" + keyId + ", " + timestamp + "]";
  }
}
