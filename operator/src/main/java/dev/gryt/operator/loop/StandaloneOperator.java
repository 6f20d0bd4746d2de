package dev.gryt.operator.loop;

import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.GitHubRepoReconciler;
import dev.gryt.operator.JobReconciler;
import dev.gryt.operator.JobRunReconciler;
import dev.gryt.operator.PipelineReconciler;
import dev.gryt.operator.RepoProbe;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.WebhookReconciler;
import dev.gryt.operator.git.JGitRepoProbe;
import dev.gryt.operator.probe.GitHubRepoProber;
import dev.gryt.operator.probe.ProbeExecutor;
import dev.gryt.store.ResourceStore;
import java.time.Clock;
import java.time.Duration;

/** The control loop over a SQL store with every kind's reconciler registered. */
public final class StandaloneOperator {
  private StandaloneOperator() {}

  /**
   * A loop ready to {@link ControlLoop#start()}; close it to stop. GitHubRepos are probed over the
   * network with JGit, with tokens from the server's environment.
   */
  public static ControlLoop create(ResourceStore store, Clock clock) {
    return create(store, clock, new JGitRepoProbe());
  }

  /**
   * The same loop probing GitHubRepos with {@code probe}, on a pool of {@link
   * ProbeExecutor#DEFAULT_THREADS} threads of their own: a repo whose probe answers is reconciled
   * again at once, and the two reconcile workers never wait on a git server.
   */
  public static ControlLoop create(ResourceStore store, Clock clock, RepoProbe probe) {
    return create(store, clock, probe, RepoTokens.standalone());
  }

  /** The loop with the server's tokens {@code tokens} (e.g. the variables the admin allowed). */
  public static ControlLoop create(ResourceStore store, Clock clock, RepoTokens tokens) {
    return create(store, clock, new JGitRepoProbe(), tokens);
  }

  /** The loop probing with {@code probe} and reading tokens through {@code tokens}. */
  public static ControlLoop create(
      ResourceStore store, Clock clock, RepoProbe probe, RepoTokens tokens) {
    ProbeExecutor probes = ProbeExecutor.pooled(probe, ProbeExecutor.DEFAULT_THREADS);
    GitHubRepoProber repos =
        new GitHubRepoProber(probes, tokens, GitHubRepoReconciler.DEFAULT_PROBE_INTERVAL);
    ControlLoop loop =
        new ControlLoop(store, clock, 2, Duration.ofMinutes(5))
            .register(ResourceKind.PIPELINE, new PipelineReconciler())
            .register(ResourceKind.GITHUB_REPO, repos)
            .register(ResourceKind.JOB, new JobReconciler())
            .register(ResourceKind.WEBHOOK, new WebhookReconciler())
            .register(ResourceKind.JOB_RUN, new JobRunReconciler());
    repos.whenAnswered(loop::requeue);
    return loop.with(
        new ControlLoop.Companion() {
          @Override
          public void start() {}

          @Override
          public void close() {
            probes.close();
          }
        });
  }
}
