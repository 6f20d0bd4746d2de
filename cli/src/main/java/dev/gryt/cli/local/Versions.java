package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import java.util.regex.Pattern;

/** Generation versions: semantic versions written with a leading {@code v} ({@code v1.2.3}). */
public final class Versions {
  static final Pattern SEMVER =
      Pattern.compile(
          "^v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");

  private Versions() {}

  /** {@code 1.2.3} and {@code v1.2.3} both give {@code v1.2.3}; anything else is refused. */
  public static String normalize(String text) {
    String trimmed = text == null ? "" : text.strip();
    String version = trimmed.startsWith("v") ? trimmed : "v" + trimmed;
    if (!SEMVER.matcher(version).matches()) {
      throw new CliException(
          "invalid version '" + text + "': use a semantic version such as 1.2.0 or v1.2.0-rc.1");
    }
    return version;
  }

  /** Whether {@code text} is a version once normalised. */
  public static boolean valid(String text) {
    String version = text.startsWith("v") ? text : "v" + text;
    return SEMVER.matcher(version).matches();
  }
}
