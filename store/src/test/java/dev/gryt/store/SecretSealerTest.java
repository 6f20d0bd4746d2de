package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretSealerTest {
  private static final byte[] K1 = new byte[32];
  private static final byte[] K2 = key(1);

  private static byte[] key(int first) {
    byte[] key = new byte[32];
    key[0] = (byte) first;
    return key;
  }

  @Test
  void apiKeySecretsOpenOnlyUnderTheirMasterKey() {
    SecretSealer sealer = new SecretSealer(K1);
    String sealed = sealer.seal("s3cret");
    assertThat(sealed).startsWith("v1:").doesNotContain("s3cret");
    assertThat(sealer.seal("s3cret")).isNotEqualTo(sealed);
    assertThat(sealer.open(sealed)).isEqualTo("s3cret");
    assertThatThrownBy(() -> new SecretSealer(K2).open(sealed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> new SecretSealer(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valuesOpenOnlyUnderTheirKeyAndForTheirObject() {
    SecretSealer sealer = new SecretSealer(K1);
    String sealed = sealer.seal("hook-secret", "Webhook/a/hook/secret");
    assertThat(sealed).startsWith(SecretSealer.PREFIX).doesNotContain("hook-secret");
    assertThat(SecretSealer.isSealed(sealed)).isTrue();
    assertThat(SecretSealer.isSealed("hook-secret")).isFalse();
    assertThat(sealer.open(sealed, "Webhook/a/hook/secret")).isEqualTo("hook-secret");
    // Copied to another object, or opened under another key, it does not open.
    assertThatThrownBy(() -> sealer.open(sealed, "Webhook/b/hook/secret"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecretSealer(K2).open(sealed, "Webhook/a/hook/secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hook-secret");
    assertThatThrownBy(() -> sealer.open("sealed:v1:not base64!", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyedHashesDependOnTheMasterKey() {
    String hash = new SecretSealer(K1).keyedHash("wh_abc");
    assertThat(hash).hasSize(64).isEqualTo(new SecretSealer(K1).keyedHash("wh_abc"));
    assertThat(new SecretSealer(K2).keyedHash("wh_abc")).isNotEqualTo(hash);
    assertThat(new SecretSealer(K1).keyedHash("wh_abd")).isNotEqualTo(hash);
  }
}
