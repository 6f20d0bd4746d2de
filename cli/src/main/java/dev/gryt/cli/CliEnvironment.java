package dev.gryt.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may read from the world it runs in. Commands take it instead of calling {@code
 * System.getenv} or {@code Clock.systemUTC()} so tests can run them in-process with their own.
 *
 * @param variables environment variables
 * @param userHome the user's home directory, where {@code ~/.gryt} lives by default
 * @param workingDirectory where relative paths (such as the default database) resolve
 * @param stdin read by {@code -f -}
 * @param clock used for ages and to stamp signed requests
 */
public record CliEnvironment(
    Map<String, String> variables,
    Path userHome,
    Path workingDirectory,
    InputStream stdin,
    Clock clock) {

  /** The environment of this process. */
  public static CliEnvironment system() {
    return new CliEnvironment(
        System.getenv(),
        Path.of(System.getProperty("user.home")),
        Path.of("").toAbsolutePath(),
        System.in,
        Clock.systemUTC());
  }

  /** The variable's value, or null when unset or empty. */
  public String variable(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** {@code $GRYT_HOME}, else {@code ~/.gryt}. */
  public Path grytHome() {
    String home = variable("GRYT_HOME");
    return home != null ? Path.of(home) : userHome.resolve(".gryt");
  }
}
