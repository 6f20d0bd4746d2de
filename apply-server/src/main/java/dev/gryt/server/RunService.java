package dev.gryt.server;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunFactory;
import dev.gryt.crds.RunOrigin;
import dev.gryt.crds.RunResolver;
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
    return start(caller, RunOrigin.account(caller.username(), null), job, ref, sha);
  }

  /**
   * As {@link #start(Principal, Job, String, String)}, recording {@code origin} (the account and
   * the API key that signed the request) as who started it, with the event {@code manual} and the
   * branch it builds.
   */
  public JobRun start(Principal caller, RunOrigin origin, Job job, String ref, String sha) {
    ResourceStore view = TenantStore.of(store, caller);
    JobRun run =
        JobRunFactory.manual(job.getMetadata().getNamespace(), job.getMetadata().getName(), origin);
    run.getSpec().ref = ref == null || ref.isBlank() ? null : ref;
    run.getSpec().sha = sha;
    run.getSpec().branch = branch(view, job, run);
    return limits.startRun(caller.namespacePrefix(), () -> view.create(run));
  }

  private static String branch(ResourceStore store, Job job, JobRun run) {
    if (run.getSpec().ref != null) {
      return JobRunFactory.branchOf(run.getSpec().ref);
    }
    String repoName = job.getSpec().githubRepoName;
    if (repoName == null) {
      return null;
    }
    GitHubRepo repo =
        store.get(GitHubRepo.class, job.getMetadata().getNamespace(), repoName).orElse(null);
    return JobRunFactory.branchOf(RunResolver.ref(run, job, repo));
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
    return retry(caller, RunOrigin.account(caller.username(), null), old);
  }

  /** As {@link #retry(Principal, JobRun)}, recording {@code origin} as who retried it. */
  public JobRun retry(Principal caller, RunOrigin origin, JobRun old) {
    ResourceStore view = TenantStore.of(store, caller);
    JobRun run = JobRunFactory.retryOf(old, origin);
    return limits.startRun(caller.namespacePrefix(), () -> view.create(run));
  }
}
