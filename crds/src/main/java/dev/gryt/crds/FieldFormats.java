package dev.gryt.crds;

import java.util.Map;

/**
 * Formats that spec fields must follow, as regular expressions the CRD schema carries
 * ({@code @Pattern}) and the manifest parser checks, so both reject the same input.
 *
 * <p>The expressions stay within RE2 (no look-around) because the Kubernetes API server evaluates
 * them with RE2.
 */
public final class FieldFormats {
  /**
   * A resource name (and a reference to one): lower-case letters, digits and '-', starting and
   * ending with a letter or digit, at most 63 characters (an RFC 1123 label).
   */
  public static final String RESOURCE_NAME = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

  /** A git remote: https://, http://, ssh://, git://, file:// or scp-like user@host:path. */
  public static final String GIT_URL =
      "^((https?|ssh|git|file)://[^\\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+)$";

  /**
   * A container image reference, {@code [registry[:port]/]path[:tag][@sha256:digest]} as the OCI
   * distribution grammar has it: each part starts with a letter or digit, so a reference can never
   * be read as an option ({@code --privileged}), and it has no room for a transport ({@code
   * docker://}, {@code oci-archive:/path}) but the few a bare {@code name:tag} can spell, which
   * {@link ImageReferences} refuses.
   */
  public static final String IMAGE_REFERENCE =
      "^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
          + "(:[0-9]{1,5})?/)?"
          + "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"
          + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
          + "(@sha256:[a-f0-9]{64})?$";

  private static final Map<String, String> DESCRIPTIONS =
      Map.of(
          RESOURCE_NAME,
          "must be lower-case letters, digits and '-', start and end with a letter or digit,"
              + " and be at most 63 characters",
          GIT_URL,
          "must be a git URL (https://, http://, ssh://, git://, file:// or user@host:path)",
          IMAGE_REFERENCE,
          "must be an image reference: [registry[:port]/]name[:tag][@sha256:digest], e.g."
              + " localhost/gryt-base:latest");

  private FieldFormats() {}

  /** What a value matching {@code pattern} looks like, in words a person can act on. */
  public static String describe(String pattern) {
    return DESCRIPTIONS.getOrDefault(pattern, "must match " + pattern);
  }
}
