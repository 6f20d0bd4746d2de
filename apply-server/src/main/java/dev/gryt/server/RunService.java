package dev.gryt.server;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunFactory;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ConflictException;
import dev.gryt.store.ResourceStore;

/**
 * Starting, cancelling and retrying runs for a caller, within its quotas: what {@code POST
 * /api/v1/jobs/{ref}/run}, {@code .../cancel} and {@code .../retry} do, and what the dashboard's
 * buttons do, through this one path.
 */
public final class RunService {
  private final ResourceStore store;
  private final TenantLimits limits;

  RunService(ResourceStore store, TenantLimits limits) {
    this.store = store;
    this.limits = limits;
  }

  /**
   * Starts a run of {@code job} (as {@code caller} sees it) at {@code ref}/{@code sha}, or at the
   * Job's branch when they are null.
   */
  public JobRun start(Principal caller, Job job, String ref, String sha) {
    ResourceStore view = TenantStore.of(store, caller);
    JobRun run =
        JobRunFactory.manual(job.getMetadata().getNamespace(), job.getMetadata().getName());
    run.getSpec().ref = ref == null || ref.isBlank() ? null : ref;
    run.getSpec().sha = sha;
    return limits.startRun(caller.namespacePrefix(), () -> view.create(run));
  }

  /** Asks {@code run} (as {@code caller} sees it) to stop; the control loop ends it Cancelled. */
  public JobRun cancel(Principal caller, JobRun run) {
    ResourceStore view = TenantStore.of(store, caller);
    for (int attempt = 0; ; attempt++) {
      run.getSpec().cancelRequested = true;
      try {
        return view.update(run);
      } catch (ConflictException e) {
        if (attempt == 3) {
          throw e;
        }
        run =
            view.get(JobRun.class, run.getMetadata().getNamespace(), run.getMetadata().getName())
                .orElseThrow(() -> ApiException.notFound("run not found"));
      }
    }
  }

  /** Starts a new attempt of {@code old} (as {@code caller} sees it). */
  public JobRun retry(Principal caller, JobRun old) {
    ResourceStore view = TenantStore.of(store, caller);
    JobRun run = JobRunFactory.retryOf(old);
    return limits.startRun(caller.namespacePrefix(), () -> view.create(run));
  }
}
