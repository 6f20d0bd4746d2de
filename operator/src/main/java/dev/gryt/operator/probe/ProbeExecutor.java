package dev.gryt.operator.probe;

import dev.gryt.operator.ProbeResult;
import dev.gryt.operator.RepoProbe;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link RepoProbe} questions on a pool of its own, so that a slow git server holds up no
 * reconcile worker, and asks each question once while it is in flight: repos that point at the same
 * URL and branch with the same credentials share one probe. Answers are not kept here (the {@link
 * GitHubRepoProber} keeps them, per repo, with their age).
 *
 * <p>{@link #direct(RepoProbe)} answers on the caller's thread: for tests and for drivers whose
 * reconciles may block (JOSDK runs them on its own pool).
 */
public final class ProbeExecutor implements AutoCloseable {
  /** Probes at once by default: ls-remote is mostly waiting on the network. */
  public static final int DEFAULT_THREADS = 8;

  private final RepoProbe probe;
  private final Executor executor;
  private final ExecutorService owned;
  private final Map<String, CompletableFuture<ProbeResult>> inFlight = new ConcurrentHashMap<>();

  private ProbeExecutor(RepoProbe probe, Executor executor, ExecutorService owned) {
    this.probe = probe;
    this.executor = executor;
    this.owned = owned;
  }

  /** Probes on {@code threads} daemon threads of its own; close it to stop them. */
  public static ProbeExecutor pooled(RepoProbe probe, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "gryt-repo-probe-" + n.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    // Idle servers keep no probe threads around.
    pool.allowCoreThreadTimeOut(true);
    return new ProbeExecutor(probe, pool, pool);
  }

  /** Probes on {@code executor}, which the caller owns (tests hand in one they run by hand). */
  public static ProbeExecutor on(RepoProbe probe, Executor executor) {
    return new ProbeExecutor(probe, executor, null);
  }

  /** Probes on the caller's thread: every future it returns is already done. */
  public static ProbeExecutor direct(RepoProbe probe) {
    return new ProbeExecutor(probe, Runnable::run, null);
  }

  /**
   * The answer to "can {@code branch} of {@code url} be listed with {@code token}?", joining a
   * probe of the same question already in flight. A probe that throws answers {@code Unreachable}.
   */
  public CompletableFuture<ProbeResult> probe(String url, String branch, Optional<String> token) {
    return probe(url, branch, token, false);
  }

  /**
   * The same question for a namespace that may be a tenant's: {@code tenant} probes reach public
   * addresses only (see {@link RepoProbe#probe(String, String, Optional, boolean)}).
   */
  public CompletableFuture<ProbeResult> probe(
      String url, String branch, Optional<String> token, boolean tenant) {
    String question = (tenant ? "tenant\n" : "admin\n") + question(url, branch, token);
    CompletableFuture<ProbeResult> mine = new CompletableFuture<>();
    CompletableFuture<ProbeResult> running = inFlight.putIfAbsent(question, mine);
    if (running != null) {
      return running;
    }
    try {
      executor.execute(() -> answer(question, mine, url, branch, token, tenant));
    } catch (RuntimeException rejected) {
      inFlight.remove(question, mine);
      mine.complete(ProbeResult.unreachable("probe not started: " + rejected));
    }
    return mine;
  }

  private void answer(
      String question,
      CompletableFuture<ProbeResult> future,
      String url,
      String branch,
      Optional<String> token,
      boolean tenant) {
    ProbeResult result;
    try {
      result = probe.probe(url, branch, token, tenant);
    } catch (RuntimeException e) {
      result = ProbeResult.unreachable(e.getClass().getSimpleName());
    }
    // Out of the in-flight map first: a question asked after the answer gets a fresh probe.
    inFlight.remove(question, future);
    future.complete(result);
  }

  /** Probes asked and not answered yet. */
  public int inFlight() {
    return inFlight.size();
  }

  /** The token enters the key only hashed: the map must not hold it in the clear. */
  private static String question(String url, String branch, Optional<String> token) {
    String tokenHash = token.map(ProbeExecutor::sha256).orElse("-");
    return url + "\n" + branch + "\n" + tokenHash;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
    }
  }
}
