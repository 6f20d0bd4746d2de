package dev.gryt.operator;

/**
 * A GitHubRepo names a token (token_env, token_secret) that cannot be read, or may not be read for
 * its namespace. The message says which and why; it never holds a token. The reason is the
 * condition's ({@link Reasons#TOKEN_UNAVAILABLE} or {@link Reasons#TOKEN_ENV_NOT_ALLOWED}).
 */
public final class TokenUnavailableException extends Exception {
  private final String reason;

  public TokenUnavailableException(String message) {
    this(Reasons.TOKEN_UNAVAILABLE, message);
  }

  public TokenUnavailableException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The CamelCase reason a condition that reports this carries. */
  public String reason() {
    return reason;
  }
}
