package dev.gryt.operator;

import java.util.Optional;

/**
 * Asks a git server whether a repository and branch can be read ({@code git ls-remote}-style). This
 * is I/O: the standalone and Kubernetes drivers inject the real one ({@link
 * dev.gryt.operator.git.JGitRepoProbe}), unit tests of the decision a fake.
 */
@FunctionalInterface
public interface RepoProbe {
  /**
   * Probes {@code url} for {@code refs/heads/<branch>}.
   *
   * @param token the access token to authenticate with, if any; implementations never log it nor
   *     put it in a result
   */
  ProbeResult probe(String url, String branch, Optional<String> token);
}
