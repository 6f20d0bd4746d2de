package dev.gryt.crds.manifest;

/**
 * Parses and validates multi-document {@code gryt.io/v1} YAML. Never throws on bad input: every
 * problem is reported with source, line and field path.
 */
public final class ManifestParser {
  private ManifestParser() {}

  /**
   * Parses one source (a file's bytes or a request body). {@code source} is the name used in
   * problems (a file name, or {@code <request>}).
   */
  public static ParseResult parse(String source, byte[] content) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
