package dev.gryt.crds;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an image reference a pipeline gives may be. It reaches {@code podman run} on an agent that
 * runs as root, so it must be an image name and nothing else: never an option (the grammar of
 * {@link FieldFormats#IMAGE_REFERENCE} starts every part with a letter or digit), never a transport
 * that reads the host's files or another image store ({@code oci:/path}, {@code
 * containers-storage:...}). {@code docker:tag} stays allowed: podman reads it as the image {@code
 * docker} with a tag, as everybody means it.
 */
public final class ImageReferences {
  /** Longer than any registry accepts (255 for the name, 128 for the tag, 71 for the digest). */
  public static final int MAX_LENGTH = 512;

  /**
   * The transports of containers/image that {@code name:rest} can spell within the grammar, which
   * podman would take instead of an image name.
   */
  static final Set<String> TRANSPORTS =
      Set.of(
          "atomic",
          "containers-storage",
          "dir",
          "docker-archive",
          "docker-daemon",
          "oci",
          "oci-archive",
          "ostree",
          "sif",
          "tarball");

  private static final Pattern GRAMMAR = Pattern.compile(FieldFormats.IMAGE_REFERENCE);

  private ImageReferences() {}

  /** Why {@code image} cannot be used, in words a person can act on; empty when it can. */
  public static Optional<String> problem(String image) {
    if (image == null || image.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (image.length() > MAX_LENGTH) {
      return Optional.of("is longer than " + MAX_LENGTH + " characters");
    }
    if (!GRAMMAR.matcher(image).matches()) {
      return Optional.of(
          "\"" + image + "\" " + FieldFormats.describe(FieldFormats.IMAGE_REFERENCE));
    }
    return transportProblem(image);
  }

  /**
   * Why {@code image}, which may follow the grammar, names a transport rather than an image; empty
   * when it does not.
   */
  public static Optional<String> transportProblem(String image) {
    int colon = image == null ? -1 : image.indexOf(':');
    if (colon < 0 || image.substring(0, colon).contains("/")) {
      return Optional.empty();
    }
    String prefix = image.substring(0, colon);
    if (!TRANSPORTS.contains(prefix)) {
      return Optional.empty();
    }
    return Optional.of(
        "\""
            + image
            + "\" names the image transport \""
            + prefix
            + ":\", which reads images from places other than registries; give an image"
            + " reference such as localhost/gryt-base:latest");
  }
}
