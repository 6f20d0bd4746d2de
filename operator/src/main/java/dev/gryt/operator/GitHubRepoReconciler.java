package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoStatus;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A GitHubRepo is Ready when its URL is a git URL a checkout can use. (Probing reachability with
 * the token belongs to the driver and is not done yet.)
 */
public final class GitHubRepoReconciler implements Reconciler<GitHubRepo, GitHubRepoStatus> {
  static final Pattern GIT_URL =
      Pattern.compile("^(https?://[^\\s/]+/\\S+|ssh://\\S+|git@[^\\s:]+:\\S+|file://\\S+)$");

  @Override
  public Outcome<GitHubRepoStatus> reconcile(GitHubRepo repo, Lookup lookup, Instant now) {
    GitHubRepoStatus status = new GitHubRepoStatus();
    status.observedGeneration = repo.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(repo, now);
    String url = repo.getSpec() == null ? null : repo.getSpec().gitUrl;
    if (url == null || !GIT_URL.matcher(url).matches()) {
      conditions.set(
          Condition.READY,
          false,
          Reasons.INVALID_SPEC,
          "spec.git_url: not a git URL (https://, ssh://, git@host:path or file://): " + url);
    } else {
      conditions.set(Condition.READY, true, Reasons.VALID, "git URL is valid");
    }
    status.conditions = conditions.build();
    return Outcome.of(status);
  }
}
