package dev.gryt.operator;

import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.Tenancy;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the access token a GitHubRepo names: inline ({@code access_token}), in an environment
 * variable of the server ({@code token_env}) or in a secret ({@code token_secret}). Reading the
 * environment and secrets is the driver's business, so both are given to it.
 *
 * <p>The server's environment is the server's: {@code token_env} may name only the variables the
 * admin allowed ({@code gryt server --repo-token-env NAME}), and only from the admin's own
 * namespaces ({@link Tenancy#isAdminNamespace}); any other name is refused with {@link
 * GitHubRepoReason#TOKEN_ENV_NOT_ALLOWED} before the environment is read.
 */
public final class RepoTokens {
  /** Reads a {@code token_secret}: the secret's {@code token} value. */
  @FunctionalInterface
  public interface Secrets {
    String token(String namespace, String secretName) throws TokenUnavailableException;
  }

  /** The standalone server has no secret store yet. */
  public static final Secrets NO_SECRETS =
      (namespace, name) -> {
        throw new TokenUnavailableException(
            "token_secret "
                + name
                + ": the standalone server cannot read secrets yet; use token_env or access_token");
      };

  private final Function<String, String> environment;
  private final Secrets secrets;
  private final Set<String> allowedEnv;

  /**
   * @param environment an environment variable's value by name, null when unset
   * @param allowedEnv the variables the admin's namespaces may name in {@code token_env}
   */
  public RepoTokens(Function<String, String> environment, Secrets secrets, Set<String> allowedEnv) {
    this.environment = environment;
    this.secrets = secrets;
    this.allowedEnv = Set.copyOf(allowedEnv);
  }

  /**
   * The server's own environment (only the variables in {@code allowedEnv}), no secrets: what the
   * standalone server uses.
   */
  public static RepoTokens standalone(Set<String> allowedEnv) {
    return new RepoTokens(System::getenv, NO_SECRETS, allowedEnv);
  }

  /** The standalone server's tokens when the admin allowed no variable: the default. */
  public static RepoTokens standalone() {
    return standalone(Set.of());
  }

  /**
   * The token {@code spec} names, empty when it names none.
   *
   * @throws TokenUnavailableException when it names one that cannot be read
   */
  public Optional<String> token(String namespace, GitHubRepoSpec spec)
      throws TokenUnavailableException {
    if (present(spec.accessToken)) {
      return Optional.of(spec.accessToken.trim());
    }
    if (present(spec.tokenEnv)) {
      if (!Tenancy.isAdminNamespace(namespace)) {
        throw new TokenUnavailableException(
            GitHubRepoReason.TOKEN_ENV_NOT_ALLOWED,
            "token_env: the server's environment is the admin's; bring the token as access_token"
                + " instead");
      }
      if (!allowedEnv.contains(spec.tokenEnv)) {
        throw new TokenUnavailableException(
            GitHubRepoReason.TOKEN_ENV_NOT_ALLOWED,
            "token_env "
                + spec.tokenEnv
                + " is not allowed: the admin allows a variable with gryt server --repo-token-env "
                + spec.tokenEnv);
      }
      String value = environment.apply(spec.tokenEnv);
      if (!present(value)) {
        throw new TokenUnavailableException(
            "token_env " + spec.tokenEnv + " is not set in the server's environment");
      }
      return Optional.of(value.trim());
    }
    if (present(spec.tokenSecret)) {
      String value = secrets.token(namespace, spec.tokenSecret);
      if (!present(value)) {
        throw new TokenUnavailableException("token_secret " + spec.tokenSecret + " is empty");
      }
      return Optional.of(value.trim());
    }
    return Optional.empty();
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
