package dev.gryt.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets the server must read back later (API key secrets, which HMAC checks need in the
 * clear) under the server's 256-bit master key: AES-GCM with a random 96-bit nonce, written as
 * {@code v1:BASE64(nonce || ciphertext || tag)}. A sealed value is useless without the master key,
 * so a copy of the database alone does not give the keys away.
 */
public final class SecretBox {
  private static final String PREFIX = "v1:";
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public SecretBox(byte[] masterKey) {
    if (masterKey.length != 32) {
      throw new IllegalArgumentException(
          "the master key must be 32 bytes, not " + masterKey.length);
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
  }

  public String seal(String secret) {
    try {
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /**
   * @throws IllegalArgumentException when {@code sealed} was not sealed under this master key
   */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed secret");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the secret was sealed under another master key (check GRYT_MASTER_KEY)", e);
    }
  }
}
