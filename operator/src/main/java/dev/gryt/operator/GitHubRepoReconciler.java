package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.crds.GitRemote;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.Tenancy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A GitHubRepo is Ready when its URL is a git URL and its branch can be listed on the server with
 * the token it names ({@code Reachable}); otherwise {@code InvalidSpec}, {@code UrlRefused} (a
 * tenant's local or non-https remote), {@code TokenUnavailable}, {@code TokenEnvNotAllowed}, {@code
 * AuthFailed}, {@code BranchNotFound} or {@code Unreachable}, with the cause.
 *
 * <p>The network is asked through the injected {@link RepoProbe} when the spec changes (a new
 * generation) and once the last answer is older than the probe interval; in between the last answer
 * is reused, so the reconciles a status write or a resync cause do not probe again. Each outcome
 * asks to be looked at again when its answer goes stale.
 *
 * <p>With a pooled {@link ProbeExecutor} the probe runs off the reconciling thread: while it is in
 * flight the repo keeps the status it has (nothing is written), and the listener given to {@link
 * #whenAnswered} hears the repo's key once the answer is in, so the driver reconciles it again at
 * once; without a listener the outcome asks for a look after {@link #PENDING_RECHECK}.
 */
public final class GitHubRepoReconciler implements Reconciler<GitHubRepo, GitHubRepoStatus> {
  static final Pattern GIT_URL =
      Pattern.compile("^(https?://[^\\s/]+/\\S+|ssh://\\S+|git@[^\\s:]+:\\S+|file://\\S+)$");

  /** How often a repo's reachability is checked again when nothing changes. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMinutes(10);

  /** When a repo whose probe is in flight is looked at again if no one says the answer is in. */
  public static final Duration PENDING_RECHECK = Duration.ofSeconds(5);

  private final ProbeExecutor probes;
  private final RepoTokens tokens;
  private final Duration probeInterval;
  private volatile Consumer<ResourceKey> answered = key -> {};
  private volatile boolean listening;
  private volatile Instant nextSweep;

  /** The last answer per repo; reconciles of different repos run concurrently. */
  private final Map<String, Probed> answers = new ConcurrentHashMap<>();

  /** Probes in flight per repo, with the fingerprint of the spec they were asked for. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /** Probes on the reconciling thread. */
  public GitHubRepoReconciler(RepoProbe probe, RepoTokens tokens) {
    this(ProbeExecutor.direct(probe), tokens, DEFAULT_PROBE_INTERVAL);
  }

  public GitHubRepoReconciler(RepoProbe probe, RepoTokens tokens, Duration probeInterval) {
    this(ProbeExecutor.direct(probe), tokens, probeInterval);
  }

  public GitHubRepoReconciler(ProbeExecutor probes, RepoTokens tokens, Duration probeInterval) {
    this.probes = probes;
    this.tokens = tokens;
    this.probeInterval = probeInterval;
  }

  /**
   * Tells {@code listener} the key of each repo whose probe answered off the reconciling thread.
   */
  public GitHubRepoReconciler whenAnswered(Consumer<ResourceKey> listener) {
    this.answered = listener;
    this.listening = true;
    return this;
  }

  private record Pending(String spec, Instant asked, CompletableFuture<Probed> answer) {}

  /** The Ready condition a probe's answer means, and when the answer was had. */
  private record Probed(
      String spec, Instant at, boolean ready, GitHubRepoReason reason, String message) {}

  @Override
  public Outcome<GitHubRepoStatus> reconcile(GitHubRepo repo, Lookup lookup, Instant now) {
    GitHubRepoStatus status = new GitHubRepoStatus();
    status.observedGeneration = repo.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(repo, now);
    GitHubRepoSpec spec = repo.getSpec();
    String url = spec == null ? null : spec.gitUrl;
    String key = repo.getMetadata().getNamespace() + "/" + repo.getMetadata().getName();
    if (url == null || !GIT_URL.matcher(url).matches()) {
      return invalid(
          status,
          conditions,
          key,
          "spec.git_url: not a git URL (https://, ssh://, git@host:path or file://): " + url);
    }
    List<String> problems = GitRemote.problemsOf(url);
    if (!problems.isEmpty()) {
      return invalid(status, conditions, key, "spec.git_url: " + String.join("; ", problems));
    }
    Optional<String> refused =
        Tenancy.isAdminNamespace(repo.getMetadata().getNamespace())
            ? Optional.empty()
            : GitRemote.parse(url).flatMap(GitRemote::tenantRefusal);
    if (refused.isPresent()) {
      answers.remove(key);
      conditions.set(
          Condition.READY, false, GitHubRepoReason.URL_REFUSED, "spec.git_url: " + refused.get());
      status.conditions = conditions.build();
      return Outcome.of(status);
    }
    String fingerprint = fingerprint(repo, branch(spec));
    Probed answer = answers.get(key);
    if (answer == null || !answer.spec().equals(fingerprint) || isStale(answer, now)) {
      Optional<Probed> fresh = freshAnswer(repo, key, fingerprint, now);
      if (fresh.isEmpty()) {
        // In flight: the status stays as it is until the answer is in, when the listener (if any)
        // has the repo looked at again; a timed look would find nothing to do.
        return new Outcome<>(repo.getStatus(), listening ? null : PENDING_RECHECK);
      }
      answer = fresh.get();
      forgetDeletedRepos(now);
      answers.put(key, answer);
    }
    conditions.set(Condition.READY, answer.ready(), answer.reason(), answer.message());
    status.conditions = conditions.build();
    Duration untilStale = Duration.between(now, answer.at().plus(probeInterval));
    return new Outcome<>(status, untilStale.isNegative() ? probeInterval : untilStale);
  }

  private Outcome<GitHubRepoStatus> invalid(
      GitHubRepoStatus status, Conditions conditions, String key, String message) {
    answers.remove(key);
    conditions.set(Condition.READY, false, GitHubRepoReason.INVALID_SPEC, message);
    status.conditions = conditions.build();
    return Outcome.of(status);
  }

  /**
   * Deleted repos are never reconciled again: their answers go once well past stale. Swept once per
   * probe interval, not per probe, which would cost a pass over every repo each time.
   */
  private void forgetDeletedRepos(Instant now) {
    Instant due = nextSweep;
    if (due != null && now.isBefore(due)) {
      return;
    }
    nextSweep = now.plus(probeInterval);
    answers.values().removeIf(a -> now.isAfter(a.at().plus(probeInterval.multipliedBy(2))));
    pending
        .values()
        .removeIf(p -> p.answer().isDone() && now.isAfter(p.asked().plus(probeInterval)));
  }

  private boolean isStale(Probed answer, Instant now) {
    return !now.isBefore(answer.at().plus(probeInterval)) || now.isBefore(answer.at());
  }

  /**
   * The answer of a probe for this spec, asking one if none is in flight; empty while it is in
   * flight.
   */
  private Optional<Probed> freshAnswer(
      GitHubRepo repo, String key, String fingerprint, Instant now) {
    Pending p = pending.get(key);
    if (p == null || !p.spec().equals(fingerprint)) {
      p = new Pending(fingerprint, now, probe(repo, fingerprint, now));
      pending.put(key, p);
      if (!p.answer().isDone()) {
        ResourceKey resourceKey = ResourceKey.of(repo);
        Pending asked = p;
        p.answer()
            .thenRun(
                () -> {
                  if (pending.get(key) == asked) {
                    answered.accept(resourceKey);
                  }
                });
      }
    }
    if (!p.answer().isDone()) {
      return Optional.empty();
    }
    pending.remove(key, p);
    return Optional.of(p.answer().join());
  }

  private CompletableFuture<Probed> probe(GitHubRepo repo, String fingerprint, Instant now) {
    GitHubRepoSpec spec = repo.getSpec();
    String branch = branch(spec);
    Optional<String> token;
    try {
      token = tokens.token(repo.getMetadata().getNamespace(), spec);
    } catch (TokenUnavailableException e) {
      return CompletableFuture.completedFuture(
          new Probed(fingerprint, now, false, e.reason(), e.getMessage()));
    }
    boolean tenant = Tenancy.isTenantNamespace(repo.getMetadata().getNamespace());
    return probes
        .probe(spec.gitUrl, branch, token, tenant)
        .thenApply(result -> probed(result, spec, branch, token, fingerprint, now));
  }

  private static Probed probed(
      ProbeResult result,
      GitHubRepoSpec spec,
      String branch,
      Optional<String> token,
      String fingerprint,
      Instant now) {
    return switch (result.kind()) {
      case REACHABLE ->
          new Probed(
              fingerprint,
              now,
              true,
              GitHubRepoReason.REACHABLE,
              "branch " + branch + " is at " + shortSha(result.detail()));
      case BRANCH_NOT_FOUND ->
          new Probed(
              fingerprint,
              now,
              false,
              GitHubRepoReason.BRANCH_NOT_FOUND,
              "branch " + branch + " not found at " + spec.gitUrl + ": " + result.detail());
      case AUTH_FAILED ->
          new Probed(
              fingerprint,
              now,
              false,
              GitHubRepoReason.AUTH_FAILED,
              (token.isPresent()
                      ? "the token was refused: "
                      : "the server wants a token and none is set (token_env, token_secret or"
                          + " access_token): ")
                  + result.detail());
      case REFUSED ->
          new Probed(
              fingerprint,
              now,
              false,
              GitHubRepoReason.URL_REFUSED,
              "spec.git_url: " + result.detail());
      case UNREACHABLE ->
          new Probed(
              fingerprint,
              now,
              false,
              GitHubRepoReason.UNREACHABLE,
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
