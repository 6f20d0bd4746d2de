package dev.gryt.operator.k8s;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.operator.GitHubRepoReconciler;
import java.time.Clock;
import java.util.List;

/** GitHubRepos under JOSDK: the decision reads nothing but the repo itself. */
final class GitHubRepoController extends GrytController<GitHubRepo, GitHubRepoStatus> {
  GitHubRepoController(Clock clock) {
    super(new GitHubRepoReconciler(), clock, List.of());
  }
}
