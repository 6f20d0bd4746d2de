package dev.gryt.operator;

import dev.gryt.operator.git.JGitRepoProbe;
import java.util.Optional;

/**
 * The real {@link JGitRepoProbe}, except that the repository of {@code examples/infra.yaml}
 * ({@value #EXAMPLE_URL}) answers Reachable without asking: the machines tests run on have no
 * network, and the scenarios that apply the example are about what follows from a Ready repo, not
 * about GitHub. Reachability itself is tested against real local repositories ({@code
 * JGitRepoProbeIT}, {@code ControlLoopIT}).
 */
public final class ExampleRepoProbe implements RepoProbe {
  public static final String EXAMPLE_URL = "https://github.com/myorg/myapp";
  public static final String EXAMPLE_HEAD = "0123456789abcdef0123456789abcdef01234567";

  private final RepoProbe real = new JGitRepoProbe();

  @Override
  public ProbeResult probe(String url, String branch, Optional<String> token) {
    return EXAMPLE_URL.equals(url)
        ? ProbeResult.reachable(EXAMPLE_HEAD)
        : real.probe(url, branch, token);
  }
}
