package dev.gryt.cli.server;

/** The first line of the innermost cause's message: what a one-line CLI error can show. */
final class RootCause {
  private RootCause() {}

  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
