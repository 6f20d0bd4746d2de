package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Password hashes, sealed secrets and request signatures, without a server. */
class CryptoTest {
  @Test
  void passwordHashesAreSaltedAndVerifyOnlyTheirPassword() {
    PasswordHasher hasher = new PasswordHasher(1_000);
    String a = hasher.hash("hunter22hunter22");
    String b = hasher.hash("hunter22hunter22");
    assertThat(a).isNotEqualTo(b).startsWith("pbkdf2-sha256$1000$").doesNotContain("hunter");
    assertThat(hasher.verify("hunter22hunter22", a)).isTrue();
    assertThat(hasher.verify("hunter22hunter23", a)).isFalse();
    assertThat(hasher.verify("x", "garbage")).isFalse();
    assertThat(hasher.verify("x", "pbkdf2-sha256$x$y$z")).isFalse();
    assertThat(new PasswordHasher().hash("p")).startsWith("pbkdf2-sha256$600000$");
  }

  @Test
  void signaturesCoverMethodPathTimestampAndBody() {
    // The timestamp as Python's datetime.isoformat() writes it: colons, microseconds, an offset.
    String ts = "2026-11-27T06:00:00.123456+00:00";
    byte[] body = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    String header = RequestSignature.header("key_1", "sec", "POST", "/api/v1/x?a=1", ts, body);
    RequestSignature sig = RequestSignature.parse(header).orElseThrow();
    assertThat(sig.keyId()).isEqualTo("key_1");
    assertThat(sig.timestamp()).isEqualTo(ts);
    assertThat(sig.instant()).contains(Instant.parse("2026-11-27T06:00:00.123456Z"));
    assertThat(sig.verifies("sec", "POST", "/api/v1/x?a=1", body)).isTrue();
    assertThat(sig.verifies("sec", "post", "/api/v1/x?a=1", body)).isTrue();
    assertThat(sig.verifies("sec", "GET", "/api/v1/x?a=1", body)).isFalse();
    assertThat(sig.verifies("sec", "POST", "/api/v1/x?a=2", body)).isFalse();
    assertThat(sig.verifies("sec", "POST", "/api/v1/x?a=1", new byte[0])).isFalse();
    assertThat(sig.verifies("other", "POST", "/api/v1/x?a=1", body)).isFalse();
    assertThat(RequestSignature.parse("HMAC key_1")).isEmpty();
    assertThat(RequestSignature.parse("HMAC key_1:")).isEmpty();
    assertThat(RequestSignature.parse("HMAC :x:y")).isEmpty();
    assertThat(RequestSignature.parse("Basic abc")).isEmpty();
    assertThat(RequestSignature.parse("HMAC key_1:yesterday:abcd").orElseThrow().instant())
        .isEmpty();
    assertThat(
            RequestSignature.parse("HMAC key_1:" + ts + ":zz-not-hex")
                .orElseThrow()
                .verifies("sec", "POST", "/api/v1/x?a=1", body))
        .isFalse();
  }

  /**
   * Known answers for the documented format (hex HMAC-SHA256 of {@code
   * METHOD\npath?query\ntimestamp\nbody}), computed outside Java so that the signer and the
   * verifier cannot agree on a wrong message. Each literal came from, for the first:
   *
   * <pre>
   * printf 'POST\n/api/v1/x?a=1\n2026-11-27T06:00:00.123456+00:00\n{"name":"x"}' \
   *   | openssl dgst -sha256 -hmac sec
   * </pre>
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "sec|POST|/api/v1/x?a=1|2026-11-27T06:00:00.123456+00:00|{\"name\":\"x\"}"
            + "|a2961b1b704a8a030df74e651c963fc91832ecb1578e2a29ad445a5e41ab0133",
        "gryt_sk_test|GET|/api/v1/runs?limit=5|2026-11-27T06:00:00Z|``"
            + "|9efe63e27c95f2859765732d97402f4411bfb84e8aee0b128bdee8c69058001d",
        "gryt_sk_test|PUT|/api/v1/pipelines/caf%C3%A9|2026-11-27T06:00:00Z|{\"title\":\"caf\u00e9 \u2615\"}"
            + "|f1fde429916ce7eabbcc54376939ba1c40237e38d76d1fdf3014ad23a4219670",
      })
  void signaturesMatchAnIndependentlyComputedVector(
      String secret, String method, String path, String timestamp, String body, String hex) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String expected = "HMAC key_1:" + timestamp + ":" + hex;
    assertThat(RequestSignature.header("key_1", secret, method, path, timestamp, bytes))
        .isEqualTo(expected);
    RequestSignature sig = RequestSignature.parse(expected).orElseThrow();
    assertThat(sig.verifies(secret, method, path, bytes)).isTrue();
    assertThat(sig.verifies(secret, method, path, (body + "\n").getBytes(StandardCharsets.UTF_8)))
        .isFalse();
  }

  @Test
  void aSignatureMovedToAnotherTimestampDoesNotVerify() {
    String ts = "2026-11-27T06:00:00.123456+00:00";
    byte[] body = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    String header = RequestSignature.header("key_1", "sec", "POST", "/api/v1/x?a=1", ts, body);
    String hex = header.substring(header.lastIndexOf(':') + 1);
    for (String other :
        List.of(
            "2026-11-27T06:00:01.123456+00:00",
            "2026-11-27T06:00:00.123457+00:00",
            // The same instant written another way is still another signed message.
            "2026-11-27T06:00:00.123456Z",
            "2026-11-27T07:00:00.123456+01:00")) {
      RequestSignature moved =
          RequestSignature.parse("HMAC key_1:" + other + ":" + hex).orElseThrow();
      assertThat(moved.timestamp()).isEqualTo(other);
      assertThat(moved.verifies("sec", "POST", "/api/v1/x?a=1", body)).as(other).isFalse();
    }
    assertThat(
            RequestSignature.parse("HMAC key_1:" + ts + ":" + hex)
                .orElseThrow()
                .verifies("sec", "POST", "/api/v1/x?a=1", body))
        .isTrue();
  }

  /** The hand-written reader of the usual timestamp form agrees with the JDK's, or defers to it. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "2026-11-27T08:15:23Z",
        "2026-11-27T08:15:23.1Z",
        "2026-11-27T08:15:23.123456789Z",
        "2026-11-27t08:15:23.123z",
        "2026-11-27T08:15:23+02:00",
        "2026-11-27T08:15:23.5-05:30",
        "2024-02-29T23:59:59Z",
        "2026-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-27T24:00:00Z",
        "2026-11-27T08:15:23",
        "2026-11-27T08:15:23.Z",
        "2026-11-27T08:15:23.1234567891Z",
        "2026-11-27T08:15:23+2:00",
        "2026-11-27T08:15:23+19:00",
        "2026-11-27T08:15:23+01:60",
        "2026-11-27 08:15:23Z",
        "2026-11-27T08:15Z",
        "x026-11-27T08:15:23Z",
        "2026-11-27T08:15:23ZZ",
        "+12026-11-27T08:15:23Z",
      })
  void timestampsReadByHandMatchTheJdk(String timestamp) {
    Instant jdk;
    try {
      jdk = java.time.OffsetDateTime.parse(timestamp).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      try {
        jdk = Instant.parse(timestamp); // ISO_INSTANT also reads 24:00 and leap seconds
      } catch (java.time.format.DateTimeParseException again) {
        jdk = null;
      }
    }
    Instant fast = RequestSignature.parseCommonForm(timestamp);
    if (fast != null) {
      assertThat(fast).isEqualTo(jdk);
    }
    assertThat(new RequestSignature("key_x", timestamp, "00").instant().orElse(null))
        .isEqualTo(jdk);
  }
}
