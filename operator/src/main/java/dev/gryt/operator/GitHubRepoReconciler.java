package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.GitHubRepoStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A GitHubRepo is Ready when its URL is a git URL and its branch can be listed on the server with
 * the token it names ({@code Reachable}); otherwise {@code InvalidSpec}, {@code TokenUnavailable},
 * {@code AuthFailed}, {@code BranchNotFound} or {@code Unreachable}, with the cause.
 *
 * <p>The network is asked through the injected {@link RepoProbe} when the spec changes (a new
 * generation) and once the last answer is older than the probe interval; in between the last answer
 * is reused, so the reconciles a status write or a resync cause do not probe again. Each outcome
 * asks to be looked at again when its answer goes stale.
 */
public final class GitHubRepoReconciler implements Reconciler<GitHubRepo, GitHubRepoStatus> {
  static final Pattern GIT_URL =
      Pattern.compile("^(https?://[^\\s/]+/\\S+|ssh://\\S+|git@[^\\s:]+:\\S+|file://\\S+)$");

  /** How often a repo's reachability is checked again when nothing changes. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMinutes(10);

  private final RepoProbe probe;
  private final RepoTokens tokens;
  private final Duration probeInterval;

  /** The last answer per repo; reconciles of different repos run concurrently. */
  private final Map<String, Probed> answers = new ConcurrentHashMap<>();

  public GitHubRepoReconciler(RepoProbe probe, RepoTokens tokens) {
    this(probe, tokens, DEFAULT_PROBE_INTERVAL);
  }

  public GitHubRepoReconciler(RepoProbe probe, RepoTokens tokens, Duration probeInterval) {
    this.probe = probe;
    this.tokens = tokens;
    this.probeInterval = probeInterval;
  }

  /** The Ready condition a probe's answer means, and when the answer was had. */
  private record Probed(String spec, Instant at, boolean ready, String reason, String message) {}

  @Override
  public Outcome<GitHubRepoStatus> reconcile(GitHubRepo repo, Lookup lookup, Instant now) {
    GitHubRepoStatus status = new GitHubRepoStatus();
    status.observedGeneration = repo.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(repo, now);
    GitHubRepoSpec spec = repo.getSpec();
    String url = spec == null ? null : spec.gitUrl;
    String key = repo.getMetadata().getNamespace() + "/" + repo.getMetadata().getName();
    if (url == null || !GIT_URL.matcher(url).matches()) {
      answers.remove(key);
      conditions.set(
          Condition.READY,
          false,
          Reasons.INVALID_SPEC,
          "spec.git_url: not a git URL (https://, ssh://, git@host:path or file://): " + url);
      status.conditions = conditions.build();
      return Outcome.of(status);
    }
    String fingerprint = fingerprint(repo, branch(spec));
    Probed answer = answers.get(key);
    if (answer == null || !answer.spec().equals(fingerprint) || isStale(answer, now)) {
      answer = probe(repo, fingerprint, now);
      // Deleted repos are never reconciled again; their answers go once well past stale.
      answers.values().removeIf(a -> now.isAfter(a.at().plus(probeInterval.multipliedBy(2))));
      answers.put(key, answer);
    }
    conditions.set(Condition.READY, answer.ready(), answer.reason(), answer.message());
    status.conditions = conditions.build();
    Duration untilStale = Duration.between(now, answer.at().plus(probeInterval));
    return new Outcome<>(status, untilStale.isNegative() ? probeInterval : untilStale);
  }

  private boolean isStale(Probed answer, Instant now) {
    return !now.isBefore(answer.at().plus(probeInterval)) || now.isBefore(answer.at());
  }

  private Probed probe(GitHubRepo repo, String fingerprint, Instant now) {
    GitHubRepoSpec spec = repo.getSpec();
    String branch = branch(spec);
    Optional<String> token;
    try {
      token = tokens.token(repo.getMetadata().getNamespace(), spec);
    } catch (TokenUnavailableException e) {
      return new Probed(fingerprint, now, false, Reasons.TOKEN_UNAVAILABLE, e.getMessage());
    }
    ProbeResult result = probe.probe(spec.gitUrl, branch, token);
    return switch (result.kind()) {
      case REACHABLE ->
          new Probed(
              fingerprint,
              now,
              true,
              Reasons.REACHABLE,
              "branch " + branch + " is at " + shortSha(result.detail()));
      case BRANCH_NOT_FOUND ->
          new Probed(
              fingerprint,
              now,
              false,
              Reasons.BRANCH_NOT_FOUND,
              "branch " + branch + " not found at " + spec.gitUrl + ": " + result.detail());
      case AUTH_FAILED ->
          new Probed(
              fingerprint,
              now,
              false,
              Reasons.AUTH_FAILED,
              (token.isPresent()
                      ? "the token was refused: "
                      : "the server wants a token and none is set (token_env, token_secret or"
                          + " access_token): ")
                  + result.detail());
      case UNREACHABLE ->
          new Probed(
              fingerprint,
              now,
              false,
              Reasons.UNREACHABLE,
              "cannot list " + spec.gitUrl + ": " + result.detail());
    };
  }

  /**
   * What a cached answer depends on. The generation covers any spec change; the spec's fields are
   * added because a store may not bump generations on every write path. The token itself is not
   * kept: a changed secret or environment is noticed at the next periodic probe.
   */
  private static String fingerprint(GitHubRepo repo, String branch) {
    GitHubRepoSpec spec = repo.getSpec();
    return String.join(
        "\n",
        String.valueOf(repo.getMetadata().getUid()),
        String.valueOf(repo.getMetadata().getGeneration()),
        spec.gitUrl,
        branch,
        String.valueOf(spec.tokenEnv),
        String.valueOf(spec.tokenSecret),
        String.valueOf(spec.accessToken != null && !spec.accessToken.isBlank()));
  }

  private static String branch(GitHubRepoSpec spec) {
    return spec.branch == null || spec.branch.isBlank()
        ? GitHubRepoSpec.DEFAULT_BRANCH
        : spec.branch.trim();
  }

  private static String shortSha(String sha) {
    return sha.length() > 7 ? sha.substring(0, 7) : sha;
  }
}
