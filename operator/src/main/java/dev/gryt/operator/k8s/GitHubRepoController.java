package dev.gryt.operator.k8s;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.operator.GitHubRepoReconciler;
import dev.gryt.operator.RepoProbe;
import dev.gryt.operator.RepoTokens;
import java.time.Clock;
import java.util.List;

/**
 * GitHubRepos under JOSDK: the decision reads nothing but the repo itself, probing the git server
 * with a token from the operator's environment or a Secret of the repo's namespace.
 */
final class GitHubRepoController extends GrytController<GitHubRepo, GitHubRepoStatus> {
  GitHubRepoController(Clock clock, RepoProbe probe, RepoTokens tokens) {
    super(new GitHubRepoReconciler(probe, tokens), clock, List.of());
  }
}
