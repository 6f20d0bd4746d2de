package dev.gryt.server.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow salted password hashes: PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP's 2023 figure), a
 * 16-byte random salt and a 32-byte result, written as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}.
 * The iteration count travels with each hash so that raising it later leaves older hashes
 * verifiable.
 */
public final class PasswordHasher {
  public static final int ITERATIONS = 600_000;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final SecureRandom random = new SecureRandom();
  private final int iterations;

  public PasswordHasher() {
    this(ITERATIONS);
  }

  /** With fewer iterations; only tests that hash many passwords use this. */
  PasswordHasher(int iterations) {
    this.iterations = iterations;
  }

  public String hash(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, iterations);
    return SCHEME
        + "$"
        + iterations
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(hash);
  }

  /** Whether {@code password} matches {@code stored}; false for a hash this code cannot read. */
  public boolean verify(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !SCHEME.equals(parts[0])) {
      return false;
    }
    try {
      int rounds = Integer.parseInt(parts[1]);
      byte[] salt = B64D.decode(parts[2]);
      byte[] expected = B64D.decode(parts[3]);
      return MessageDigest.isEqual(expected, pbkdf2(password, salt, rounds));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] pbkdf2(String password, byte[] salt, int rounds) {
    try {
      var spec = new PBEKeySpec(password.toCharArray(), salt, rounds, 256);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(spec)
            .getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks PBKDF2WithHmacSHA256", e);
    }
  }
}
