package dev.gryt.server.http;

/**
 * A failure with the HTTP status and message the client gets. Handlers throw it; {@code ApiServer}
 * maps it to the error envelope in one place.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final transient Object detail;
  private final long retryAfterSeconds;

  public ApiException(int status, String message, Object detail) {
    this(status, message, detail, 0);
  }

  /**
   * @param retryAfterSeconds sent as {@code Retry-After} when positive (429, 503)
   */
  public ApiException(int status, String message, Object detail, long retryAfterSeconds) {
    super(message);
    this.status = status;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
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

  public static ApiException forbidden(String message) {
    return new ApiException(403, message, null);
  }

  /** 429 with {@code Retry-After}. */
  public static ApiException tooMany(String message, long retryAfterSeconds) {
    return new ApiException(429, message, null, Math.max(1, retryAfterSeconds));
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
