package dev.gryt.operator;

import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.JobRunReason;

/**
 * A GitHubRepo names a token (token_env, token_secret) that cannot be read, or may not be read for
 * its namespace. The message says which and why; it never holds a token. The reason is the
 * condition's ({@link GitHubRepoReason#TOKEN_UNAVAILABLE} or {@link
 * GitHubRepoReason#TOKEN_ENV_NOT_ALLOWED}), on the repository and on a run that needs it.
 */
public final class TokenUnavailableException extends Exception {
  private final GitHubRepoReason reason;

  public TokenUnavailableException(String message) {
    this(GitHubRepoReason.TOKEN_UNAVAILABLE, message);
  }

  public TokenUnavailableException(GitHubRepoReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The reason the repository's condition carries. */
  public GitHubRepoReason reason() {
    return reason;
  }

  /** The same reason on a run that needs the token. */
  public JobRunReason runReason() {
    return reason == GitHubRepoReason.TOKEN_ENV_NOT_ALLOWED
        ? JobRunReason.TOKEN_ENV_NOT_ALLOWED
        : JobRunReason.TOKEN_UNAVAILABLE;
  }
}
