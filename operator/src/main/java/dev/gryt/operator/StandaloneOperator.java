package dev.gryt.operator;

import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.store.ResourceStore;
import java.time.Clock;
import java.time.Duration;

/** The control loop over a SQL store with every kind's reconciler registered. */
public final class StandaloneOperator {
  private StandaloneOperator() {}

  /** A loop ready to {@link ControlLoop#start()}; close it to stop. */
  public static ControlLoop create(ResourceStore store, Clock clock) {
    return new ControlLoop(store, clock, 2, Duration.ofMinutes(5))
        .register(ResourceKind.PIPELINE, new PipelineReconciler())
        .register(ResourceKind.GITHUB_REPO, new GitHubRepoReconciler())
        .register(ResourceKind.JOB, new JobReconciler())
        .register(ResourceKind.WEBHOOK, new WebhookReconciler())
        .register(ResourceKind.JOB_RUN, new JobRunReconciler());
  }
}
