package dev.gryt.server;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunFactory;
import dev.gryt.crds.RunResolver;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.JsonBody;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ConflictException;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starting, cancelling and retrying runs: {@code POST /api/v1/jobs/{ref}/run}, {@code POST
 * /api/v1/runs/{ref}/cancel}, {@code POST /api/v1/runs/{ref}/retry}. The control loop does the
 * rest.
 */
final class RunHandler {
  private final ResourceStore store;
  private final TenantLimits limits;

  RunHandler(ResourceStore store, TenantLimits limits) {
    this.store = store;
    this.limits = limits;
  }

  /**
   * Fields of a run's provenance, which the server sets: a body that names one is refused (422)
   * rather than silently taken or dropped, so a client learns it cannot choose them.
   */
  static final List<String> SERVER_SET =
      List.of(
          "trigger",
          "event",
          "branch",
          "started_by",
          "retry_of",
          "account",
          "api_key",
          "webhook",
          "delivery",
          "delivery_id");

  /**
   * The body is optional: {@code {"ref": BRANCH, "sha": COMMIT}} picks what the run checks out
   * (gryt run in cloud mode sends the project's HEAD), else the Job's branch. The run records the
   * caller (account and API key), the event {@code manual} and the branch it builds.
   */
  void start(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    Job job = ResourceRefs.find(store, ctx, Job.class);
    JsonBody body = JsonBody.of(ctx);
    String ref = body.string("ref", false);
    String sha = body.string("sha", false);
    if (sha != null && !sha.matches("[0-9a-fA-F]{40}")) {
      body.problem("sha", "must be a full 40-hex-digit commit id");
    }
    for (String field : SERVER_SET) {
      if (body.has(field)) {
        body.problem(field, "is set by the server (who or what started the run); remove it");
      }
    }
    body.check("run");
    JobRun run =
        JobRunFactory.manual(
            job.getMetadata().getNamespace(), job.getMetadata().getName(), RunOrigins.of(ctx));
    run.getSpec().ref = ref == null || ref.isBlank() ? null : ref;
    run.getSpec().sha = sha;
    run.getSpec().branch = branch(store, job, run);
    JobRun stored = limits.startRun(Principal.of(ctx).namespacePrefix(), () -> store.create(run));
    Envelope.reply(ctx, 201, Envelope.success("run " + stored.id() + " started", runData(stored)));
  }

  void cancel(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    JobRun run = ResourceRefs.find(store, ctx, JobRun.class);
    for (int attempt = 0; ; attempt++) {
      run.getSpec().cancelRequested = true;
      try {
        run = store.update(run);
        break;
      } catch (ConflictException e) {
        if (attempt == 3) {
          throw e;
        }
        run =
            store
                .get(JobRun.class, run.getMetadata().getNamespace(), run.getMetadata().getName())
                .orElseThrow(() -> ApiException.notFound("run not found"));
      }
    }
    Envelope.reply(
        ctx, 202, Envelope.success("cancel requested for run " + run.id(), runData(run)));
  }

  void retry(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    JobRun old = ResourceRefs.find(store, ctx, JobRun.class);
    JobRun run = JobRunFactory.retryOf(old, RunOrigins.of(ctx));
    JobRun stored = limits.startRun(Principal.of(ctx).namespacePrefix(), () -> store.create(run));
    Envelope.reply(
        ctx, 201, Envelope.success("run " + stored.id() + " retries " + old.id(), runData(stored)));
  }

  /**
   * The branch a manual run builds: its ref's, else the one its Job checks out (the Job's {@code
   * branch_override}, else its repository's branch); none for a Job without a repository.
   */
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

  /** A run as the run routes answer it: its ids, its Job and its provenance. */
  static Map<String, Object> runData(JobRun run) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run_id", run.id());
    data.put("name", run.getMetadata().getName());
    data.put("namespace", run.getMetadata().getNamespace());
    data.put("job_name", run.getSpec().jobName);
    data.put("trigger", run.getSpec().trigger);
    data.put("event", run.getSpec().event);
    data.put("branch", run.getSpec().branch);
    data.put("ref", run.getSpec().ref);
    data.put("sha", run.getSpec().sha);
    data.put("retry_of", run.getSpec().retryOf);
    data.put("started_by", run.getSpec().startedBy);
    return data;
  }
}
