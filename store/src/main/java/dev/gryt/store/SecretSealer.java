package dev.gryt.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets the server must read back later under its 256-bit master key: AES-GCM with a
 * random 96-bit nonce. A sealed value is useless without the master key, so a copy of the database
 * (or of a custom resource, or of the event log) alone gives nothing away.
 *
 * <ul>
 *   <li>{@link #seal(String, String)} writes {@code sealed:v1:BASE64(nonce || ciphertext || tag)}
 *       with a context (which object and field the value belongs to) as GCM's associated data: a
 *       sealed value copied to another object does not open there.
 *   <li>{@link #seal(String)} writes {@code v1:BASE64(...)} without a context: the form API key
 *       secrets have always been stored in.
 *   <li>{@link #keyedHash} is an HMAC-SHA256 under a key derived from the master key: how a secret
 *       that must be found by its value (a webhook's trigger key) is looked up without storing it.
 * </ul>
 */
public final class SecretSealer {
  /** What a value sealed with a context starts with. */
  public static final String PREFIX = "sealed:v1:";

  private static final String KEY_PREFIX = "v1:";
  private static final int NONCE = 12;
  private static final int MAX_OPENED = 10_000;

  private final SecretKeySpec key;
  private final SecretKeySpec hashKey;
  private final SecureRandom random = new SecureRandom();

  /**
   * Values opened before, by their sealed form: a webhook delivery opens its Webhook's secret, and
   * AES-GCM with a fresh Cipher per value cost more than the rest of the check. Bounded; cleartext
   * kept here is no more than the server holds in its caches anyway.
   */
  private final Map<String, String> opened = new ConcurrentHashMap<>();

  private static final ThreadLocal<Mac> MAC =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
          });

  public SecretSealer(byte[] masterKey) {
    if (masterKey.length != 32) {
      throw new IllegalArgumentException(
          "the master key must be 32 bytes, not " + masterKey.length);
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
    // A key of its own for lookups, so the hash never uses the sealing key twice over.
    this.hashKey =
        new SecretKeySpec(
            hmac(masterKey, "gryt keyed hash v1".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
  }

  /**
   * A sealer under a fixed, publicly known key: for tests and tools that open a store without a
   * server. Values it seals are NOT protected; {@code gryt server} always passes its master key.
   */
  public static SecretSealer unkeyedForTests() {
    return new SecretSealer(new byte[32]);
  }

  /** Whether {@code value} is in the form {@link #seal(String, String)} writes. */
  public static boolean isSealed(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /** Seals {@code secret} for {@code context} ({@code Webhook/ns/name/secret}). */
  public String seal(String secret, String context) {
    return PREFIX + encrypt(secret, context);
  }

  /**
   * Opens a value {@link #seal(String, String)} sealed for the same context.
   *
   * @throws IllegalArgumentException when it is not sealed, or not under this key and context
   */
  public String open(String sealed, String context) {
    if (!isSealed(sealed)) {
      throw new IllegalArgumentException("not a sealed secret");
    }
    String cacheKey = context + "\u0000" + sealed;
    String known = opened.get(cacheKey);
    if (known != null) {
      return known;
    }
    String clear = decrypt(sealed.substring(PREFIX.length()), context);
    if (opened.size() > MAX_OPENED) {
      opened.clear();
    }
    opened.put(cacheKey, clear);
    return clear;
  }

  /** Seals an API key secret ({@code v1:...}, no context). */
  public String seal(String secret) {
    return KEY_PREFIX + encrypt(secret, null);
  }

  /**
   * Opens what {@link #seal(String)} sealed.
   *
   * @throws IllegalArgumentException when {@code sealed} was not sealed under this master key
   */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(KEY_PREFIX)) {
      throw new IllegalArgumentException("not a sealed secret");
    }
    return decrypt(sealed.substring(KEY_PREFIX.length()), null);
  }

  /** The hex HMAC-SHA256 of {@code value} under the lookup key derived from the master key. */
  public String keyedHash(String value) {
    Mac mac = MAC.get();
    try {
      mac.init(hashKey);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 takes any key", e);
    }
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private String encrypt(String secret, String context) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      if (context != null) {
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      }
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private String decrypt(String base64, String context) {
    byte[] in;
    try {
      in = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a sealed secret");
    }
    if (in.length < NONCE + 16) {
      throw new IllegalArgumentException("not a sealed secret");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE));
      if (context != null) {
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      }
      return new String(cipher.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the secret was sealed under another master key (check GRYT_MASTER_KEY)", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
