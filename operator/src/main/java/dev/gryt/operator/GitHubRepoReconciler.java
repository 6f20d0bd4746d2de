package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.crds.GitRemote;
import dev.gryt.crds.Tenancy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A GitHubRepo is Ready when its URL is a git URL and its branch can be listed on the server with
 * the token it names ({@code Reachable}); otherwise {@code InvalidSpec}, {@code UrlRefused} (a
 * tenant's local or non-https remote), {@code TokenUnavailable}, {@code TokenEnvNotAllowed}, {@code
 * AuthFailed}, {@code BranchNotFound} or {@code Unreachable}, with the cause.
 *
 * <p>A pure function of the repo, the last probe answer and the time: the network and the tokens
 * are the driver's ({@code dev.gryt.operator.probe.GitHubRepoProber}), which asks {@link #question}
 * when the spec changes (a new generation) and once the last answer is {@link #current no longer
 * current} (older than the probe interval), and passes the newest answer in; in between the last
 * answer is reused, so the reconciles a status write or a resync cause do not probe again. Each
 * outcome asks to be looked at again when its answer goes stale.
 */
public final class GitHubRepoReconciler {
  static final Pattern GIT_URL =
      Pattern.compile("^(https?://[^\\s/]+/\\S+|ssh://\\S+|git@[^\\s:]+:\\S+|file://\\S+)$");

  /** How often a repo's reachability is checked again when nothing changes. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMinutes(10);

  /** When a repo with no answer yet (its probe in flight) is looked at again by default. */
  public static final Duration PENDING_RECHECK = Duration.ofSeconds(5);

  private final Duration probeInterval;

  public GitHubRepoReconciler() {
    this(DEFAULT_PROBE_INTERVAL);
  }

  public GitHubRepoReconciler(Duration probeInterval) {
    this.probeInterval = probeInterval;
  }

  /**
   * What to ask the git server about {@code repo}; empty when its spec settles the status without
   * asking (an invalid or refused URL).
   */
  public Optional<ProbeQuestion> question(GitHubRepo repo) {
    if (refusal(repo).isPresent()) {
      return Optional.empty();
    }
    GitHubRepoSpec spec = repo.getSpec();
    String branch = branch(spec);
    return Optional.of(
        new ProbeQuestion(
            fingerprint(repo, branch),
            spec.gitUrl,
            branch,
            Tenancy.isTenantNamespace(repo.getMetadata().getNamespace())));
  }

  /** Whether {@code answer} answers {@code question} and is not stale at {@code now}. */
  public boolean current(ProbeAnswer answer, ProbeQuestion question, Instant now) {
    return answer != null
        && answer.question().equals(question.spec())
        && now.isBefore(answer.at().plus(probeInterval))
        && !now.isBefore(answer.at());
  }

  /**
   * The status {@code repo} should have given {@code answer}, the newest answer to its {@link
   * #question} (null when there is none). Without a current answer the status stays as it is and
   * the repo asks to be looked at again after {@link #PENDING_RECHECK}.
   */
  public Outcome<GitHubRepoStatus> reconcile(GitHubRepo repo, ProbeAnswer answer, Instant now) {
    GitHubRepoStatus status = new GitHubRepoStatus();
    status.observedGeneration = repo.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(repo, now);
    Optional<Verdict> refused = refusal(repo);
    if (refused.isPresent()) {
      conditions.set(Condition.READY, false, refused.get().reason(), refused.get().message());
      status.conditions = conditions.build();
      return Outcome.of(status);
    }
    ProbeQuestion question = question(repo).orElseThrow();
    if (!current(answer, question, now)) {
      return new Outcome<>(repo.getStatus(), PENDING_RECHECK);
    }
    Verdict verdict = verdict(answer, repo.getSpec(), question.branch());
    conditions.set(Condition.READY, verdict.ready(), verdict.reason(), verdict.message());
    status.conditions = conditions.build();
    Duration untilStale = Duration.between(now, answer.at().plus(probeInterval));
    return new Outcome<>(status, untilStale.isNegative() ? probeInterval : untilStale);
  }

  /** The Ready condition's status, reason and message. */
  private record Verdict(boolean ready, GitHubRepoReason reason, String message) {
    static Verdict notReady(GitHubRepoReason reason, String message) {
      return new Verdict(false, reason, message);
    }
  }

  /** Why the spec alone makes the repo not Ready, if it does. */
  private static Optional<Verdict> refusal(GitHubRepo repo) {
    GitHubRepoSpec spec = repo.getSpec();
    String url = spec == null ? null : spec.gitUrl;
    if (url == null || !GIT_URL.matcher(url).matches()) {
      return Optional.of(
          Verdict.notReady(
              GitHubRepoReason.INVALID_SPEC,
              "spec.git_url: not a git URL (https://, ssh://, git@host:path or file://): " + url));
    }
    List<String> problems = GitRemote.problemsOf(url);
    if (!problems.isEmpty()) {
      return Optional.of(
          Verdict.notReady(
              GitHubRepoReason.INVALID_SPEC, "spec.git_url: " + String.join("; ", problems)));
    }
    Optional<String> refused =
        Tenancy.isAdminNamespace(repo.getMetadata().getNamespace())
            ? Optional.empty()
            : GitRemote.parse(url).flatMap(GitRemote::tenantRefusal);
    return refused.map(r -> Verdict.notReady(GitHubRepoReason.URL_REFUSED, "spec.git_url: " + r));
  }

  private static Verdict verdict(ProbeAnswer answer, GitHubRepoSpec spec, String branch) {
    if (answer.result() == null) {
      return Verdict.notReady(answer.tokenReason(), answer.tokenMessage());
    }
    ProbeResult result = answer.result();
    return switch (result.kind()) {
      case REACHABLE ->
          new Verdict(
              true,
              GitHubRepoReason.REACHABLE,
              "branch " + branch + " is at " + shortSha(result.detail()));
      case BRANCH_NOT_FOUND ->
          Verdict.notReady(
              GitHubRepoReason.BRANCH_NOT_FOUND,
              "branch " + branch + " not found at " + spec.gitUrl + ": " + result.detail());
      case AUTH_FAILED ->
          Verdict.notReady(
              GitHubRepoReason.AUTH_FAILED,
              (namesToken(spec)
                      ? "the token was refused: "
                      : "the server wants a token and none is set (token_env, token_secret or"
                          + " access_token): ")
                  + result.detail());
      case REFUSED ->
          Verdict.notReady(GitHubRepoReason.URL_REFUSED, "spec.git_url: " + result.detail());
      case UNREACHABLE ->
          Verdict.notReady(
              GitHubRepoReason.UNREACHABLE, "cannot list " + spec.gitUrl + ": " + result.detail());
    };
  }

  /**
   * Whether the probe was sent with a token: a repo that names one either had it read or was never
   * probed ({@link RepoTokens#token} throws).
   */
  private static boolean namesToken(GitHubRepoSpec spec) {
    return present(spec.accessToken) || present(spec.tokenEnv) || present(spec.tokenSecret);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
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
