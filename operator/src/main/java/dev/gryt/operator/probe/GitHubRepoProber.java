package dev.gryt.operator.probe;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.crds.ResourceKey;
import dev.gryt.operator.GitHubRepoReconciler;
import dev.gryt.operator.Lookup;
import dev.gryt.operator.Outcome;
import dev.gryt.operator.ProbeAnswer;
import dev.gryt.operator.ProbeQuestion;
import dev.gryt.operator.Reconciler;
import dev.gryt.operator.RepoProbe;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.TokenUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The I/O beside the pure {@link GitHubRepoReconciler}, for both drivers: it keeps each repo's last
 * probe answer, reads the token the repo names, asks the git server (through a {@link
 * ProbeExecutor}) when the decision's {@link GitHubRepoReconciler#question question} has no current
 * answer, and passes the newest answer to the decision.
 *
 * <p>With a pooled {@link ProbeExecutor} the probe runs off the reconciling thread: while it is in
 * flight the repo keeps the status it has (nothing is written), and the listener given to {@link
 * #whenAnswered} hears the repo's key once the answer is in, so the driver reconciles it again at
 * once; without a listener the outcome asks for a look after {@link
 * GitHubRepoReconciler#PENDING_RECHECK}.
 */
public final class GitHubRepoProber implements Reconciler<GitHubRepo, GitHubRepoStatus> {
  private final GitHubRepoReconciler decision;
  private final ProbeExecutor probes;
  private final RepoTokens tokens;
  private final Duration probeInterval;
  private volatile Consumer<ResourceKey> answered = key -> {};
  private volatile boolean listening;
  private volatile Instant nextSweep;

  /** The last answer per repo; reconciles of different repos run concurrently. */
  private final Map<String, ProbeAnswer> answers = new ConcurrentHashMap<>();

  /** Probes in flight per repo, with the question they answer. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(String question, Instant asked, CompletableFuture<ProbeAnswer> answer) {}

  /** Probes on the reconciling thread. */
  public GitHubRepoProber(RepoProbe probe, RepoTokens tokens) {
    this(ProbeExecutor.direct(probe), tokens, GitHubRepoReconciler.DEFAULT_PROBE_INTERVAL);
  }

  public GitHubRepoProber(RepoProbe probe, RepoTokens tokens, Duration probeInterval) {
    this(ProbeExecutor.direct(probe), tokens, probeInterval);
  }

  public GitHubRepoProber(ProbeExecutor probes, RepoTokens tokens, Duration probeInterval) {
    this.decision = new GitHubRepoReconciler(probeInterval);
    this.probes = probes;
    this.tokens = tokens;
    this.probeInterval = probeInterval;
  }

  /**
   * Tells {@code listener} the key of each repo whose probe answered off the reconciling thread.
   */
  public GitHubRepoProber whenAnswered(Consumer<ResourceKey> listener) {
    this.answered = listener;
    this.listening = true;
    return this;
  }

  @Override
  public Outcome<GitHubRepoStatus> reconcile(GitHubRepo repo, Lookup lookup, Instant now) {
    String key = repo.getMetadata().getNamespace() + "/" + repo.getMetadata().getName();
    Optional<ProbeQuestion> question = decision.question(repo);
    if (question.isEmpty()) {
      answers.remove(key);
      return decision.reconcile(repo, null, now);
    }
    ProbeAnswer answer = answers.get(key);
    if (!decision.current(answer, question.get(), now)) {
      Optional<ProbeAnswer> fresh = freshAnswer(repo, key, question.get(), now);
      if (fresh.isEmpty()) {
        // In flight: the status stays as it is until the answer is in, when the listener (if any)
        // has the repo looked at again; a timed look would find nothing to do.
        Outcome<GitHubRepoStatus> waiting = decision.reconcile(repo, null, now);
        return listening ? new Outcome<>(waiting.status(), null) : waiting;
      }
      answer = fresh.get();
      forgetDeletedRepos(now);
      answers.put(key, answer);
    }
    return decision.reconcile(repo, answer, now);
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

  /**
   * The answer of a probe for this question, asking one if none is in flight; empty while it is in
   * flight.
   */
  private Optional<ProbeAnswer> freshAnswer(
      GitHubRepo repo, String key, ProbeQuestion question, Instant now) {
    Pending p = pending.get(key);
    if (p == null || !p.question().equals(question.spec())) {
      p = new Pending(question.spec(), now, probe(repo, question, now));
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

  private CompletableFuture<ProbeAnswer> probe(
      GitHubRepo repo, ProbeQuestion question, Instant now) {
    Optional<String> token;
    try {
      token = tokens.token(repo.getMetadata().getNamespace(), repo.getSpec());
    } catch (TokenUnavailableException e) {
      return CompletableFuture.completedFuture(ProbeAnswer.tokenUnavailable(question, now, e));
    }
    return probes
        .probe(question.url(), question.branch(), token, question.tenant())
        .thenApply(result -> ProbeAnswer.probed(question, now, result));
  }
}
