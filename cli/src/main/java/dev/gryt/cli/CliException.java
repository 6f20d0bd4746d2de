package dev.gryt.cli;

/**
 * A failure the user can act on. Its message is one line: the cause and, where there is one, the
 * fix. The exception handler prints it as {@code error: <message>} without a stack trace.
 */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
