package dev.gryt.operator;

/**
 * A GitHubRepo names a token (token_env, token_secret) that cannot be read. The message says which
 * and why; it never holds a token.
 */
public final class TokenUnavailableException extends Exception {
  public TokenUnavailableException(String message) {
    super(message);
  }
}
