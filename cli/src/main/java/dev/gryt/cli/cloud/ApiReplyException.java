package dev.gryt.cli.cloud;

import dev.gryt.cli.CliException;

/**
 * An error reply of the server, with its HTTP status, for callers that act on one status: 404 to
 * name what is missing, 410 to list again after a watch fell behind.
 */
public final class ApiReplyException extends CliException {
  private final int status;

  public ApiReplyException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public boolean notFound() {
    return status == 404;
  }

  public boolean gone() {
    return status == 410;
  }
}
