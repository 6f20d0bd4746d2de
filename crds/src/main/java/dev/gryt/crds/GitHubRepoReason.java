package dev.gryt.crds;

/** Why a GitHubRepo's {@code Ready} condition says what it says. */
public enum GitHubRepoReason implements ConditionReason {
  REACHABLE("Reachable"),
  UNREACHABLE("Unreachable"),
  AUTH_FAILED("AuthFailed"),
  BRANCH_NOT_FOUND("BranchNotFound"),
  URL_REFUSED("UrlRefused"),
  INVALID_SPEC("InvalidSpec"),
  TOKEN_UNAVAILABLE("TokenUnavailable"),
  TOKEN_ENV_NOT_ALLOWED("TokenEnvNotAllowed");

  private final String value;

  GitHubRepoReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
