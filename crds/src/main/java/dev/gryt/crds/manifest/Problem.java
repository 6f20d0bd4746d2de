package dev.gryt.crds.manifest;

/**
 * One thing wrong with a manifest: where (file, 1-based line, field path) and what.
 *
 * <p>{@link #toString()} renders {@code infra.yaml:14: spec.steps[1].command: required}.
 */
public record Problem(String source, int line, String path, String message) {
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(source == null ? "<input>" : source);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (path != null && !path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }
}
