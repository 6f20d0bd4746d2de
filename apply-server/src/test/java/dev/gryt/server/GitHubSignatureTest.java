package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GitHubSignatureTest {
  static final String SECRET = "It's a Secret to Everybody";
  static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  static final String SIGNATURE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void githubsDocumentedVectorVerifies() {
    assertThat(GitHubSignature.of(SECRET, BODY)).isEqualTo(SIGNATURE);
    assertThat(GitHubSignature.verifies(SECRET, BODY, SIGNATURE)).isTrue();
    assertThat(
            GitHubSignature.verifies(SECRET, BODY, SIGNATURE.toUpperCase().replace("SHA", "sha")))
        .isTrue();
  }

  @Test
  void oneFlippedByteFails() {
    byte[] body = BODY.clone();
    body[0] ^= 1;
    assertThat(GitHubSignature.verifies(SECRET, body, SIGNATURE)).isFalse();
    String flippedSignature = SIGNATURE.substring(0, SIGNATURE.length() - 1) + "f";
    assertThat(GitHubSignature.verifies(SECRET, BODY, flippedSignature)).isFalse();
    assertThat(GitHubSignature.verifies("another secret", BODY, SIGNATURE)).isFalse();
  }

  @Test
  void malformedHeadersFail() {
    assertThat(GitHubSignature.verifies(SECRET, BODY, null)).isFalse();
    assertThat(GitHubSignature.verifies(SECRET, BODY, "")).isFalse();
    assertThat(GitHubSignature.verifies(SECRET, BODY, SIGNATURE.substring(7))).isFalse();
    assertThat(GitHubSignature.verifies(SECRET, BODY, "sha256=zz")).isFalse();
    assertThat(GitHubSignature.verifies(SECRET, BODY, "sha256=")).isFalse();
    assertThat(GitHubSignature.verifies(SECRET, BODY, "sha1=" + SIGNATURE.substring(7))).isFalse();
  }
}
