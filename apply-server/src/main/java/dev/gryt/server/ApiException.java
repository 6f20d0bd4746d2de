package dev.gryt.server;

/**
 * A failure with the HTTP status and message the client gets. Handlers throw it; {@link ApiServer}
 * maps it to the error envelope in one place.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final transient Object detail;

  public ApiException(int status, String message, Object detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  public Object detail() {
    return detail;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message, null);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message, null);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, message, null);
  }

  public static ApiException unprocessable(String message, Object detail) {
    return new ApiException(422, message, detail);
  }
}
