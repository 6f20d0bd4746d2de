package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
  void sealedSecretsOpenOnlyUnderTheirMasterKey() {
    byte[] k1 = new byte[32];
    byte[] k2 = new byte[32];
    k2[0] = 1;
    SecretBox box = new SecretBox(k1);
    String sealed = box.seal("s3cret");
    assertThat(sealed).startsWith("v1:").doesNotContain("s3cret");
    assertThat(box.seal("s3cret")).isNotEqualTo(sealed);
    assertThat(box.open(sealed)).isEqualTo("s3cret");
    assertThatThrownBy(() -> new SecretBox(k2).open(sealed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> new SecretBox(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
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
}
