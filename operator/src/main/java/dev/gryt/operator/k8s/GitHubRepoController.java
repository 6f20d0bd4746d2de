package dev.gryt.operator.k8s;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.operator.RepoProbe;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.probe.GitHubRepoProber;
import java.time.Clock;

/**
 * GitHubRepos under JOSDK: the decision reads nothing but the repo itself, probing the git server
 * with a token from the operator's environment or a Secret of the repo's namespace ({@link
 * GitHubRepoProber}, on JOSDK's reconciling thread).
 */
final class GitHubRepoController extends GrytController<GitHubRepo, GitHubRepoStatus> {
  GitHubRepoController(Clock clock, RepoProbe probe, RepoTokens tokens) {
    super(new GitHubRepoProber(probe, tokens), clock);
  }
}
