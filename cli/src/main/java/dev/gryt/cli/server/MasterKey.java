package dev.gryt.cli.server;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server's 256-bit master key, which seals API key secrets in the store: {@code
 * $GRYT_MASTER_KEY} (base64), else the file given (made with fresh random bytes, mode 0600, on the
 * first start). Every server sharing one database needs the same key.
 */
final class MasterKey {
  static final String VARIABLE = "GRYT_MASTER_KEY";

  private MasterKey() {}

  static Path defaultFile(CliEnvironment environment) {
    return environment.grytHome().resolve("server").resolve("master.key");
  }

  static byte[] load(CliEnvironment environment, Path file) {
    String variable = environment.variable(VARIABLE);
    if (variable != null) {
      return decode(variable.strip(), VARIABLE);
    }
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      if (file.equals(defaultFile(environment))) {
        // Made by an older gryt with the default mode: take group and other access away.
        Files.setPosixFilePermissions(
            file.getParent(), PosixFilePermissions.fromString("rwx------"));
      }
      return decode(Files.readString(file).strip(), file.toString());
    } catch (IOException e) {
      throw new CliException(
          "cannot read or create the master key " + file + ": " + e.getMessage(), e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path directory = file.getParent();
    if (!Files.isDirectory(directory)) {
      // $GRYT_HOME/server holds the master key: nobody else may list or enter it.
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return; // another server made it first
    }
    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
  }

  private static byte[] decode(String text, String origin) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new CliException("the master key in " + origin + " is not base64", e);
    }
    if (key.length != 32) {
      throw new CliException(
          "the master key in "
              + origin
              + " is "
              + key.length
              + " bytes; it must be 32 (make one with: head -c32 /dev/urandom | base64)");
    }
    return key;
  }
}
