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

  /**
   * Probes for a namespace that may be a tenant's. A {@code tenant} probe reaches public addresses
   * only: the host is resolved once, every address checked ({@link dev.gryt.crds.TenantAddresses}),
   * and the connection held to an address checked; a refused one answers {@link
   * ProbeResult.Kind#REFUSED}, and failures to connect read the same whatever the cause (no port
   * scanning through the answers). Implementations that reach the network override this; the
   * default, for fakes, ignores {@code tenant}.
   */
  default ProbeResult probe(String url, String branch, Optional<String> token, boolean tenant) {
    return probe(url, branch, token);
  }
}
