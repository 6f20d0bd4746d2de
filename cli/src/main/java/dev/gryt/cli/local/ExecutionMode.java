package dev.gryt.cli.local;

/**
 * Where the local-first records go: {@link #LOCAL} nowhere, {@link #HYBRID} promotions and passing
 * evolutions to the server, {@link #CLOUD} every change.
 */
public enum ExecutionMode {
  LOCAL,
  HYBRID,
  CLOUD;

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
