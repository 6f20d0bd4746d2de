package dev.gryt.server;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.JsonBody;
import dev.gryt.server.http.Principal;
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
  private final RunService runs;

  RunHandler(ResourceStore store, RunService runs) {
    this.store = store;
    this.runs = runs;
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
    JobRun stored = runs.start(Principal.of(ctx), RunOrigins.of(ctx), job, ref, sha);
    Envelope.reply(ctx, 201, Envelope.success("run " + stored.id() + " started", runData(stored)));
  }

  void cancel(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    JobRun run = runs.cancel(Principal.of(ctx), ResourceRefs.find(store, ctx, JobRun.class));
    Envelope.reply(
        ctx, 202, Envelope.success("cancel requested for run " + run.id(), runData(run)));
  }

  void retry(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    JobRun old = ResourceRefs.find(store, ctx, JobRun.class);
    JobRun stored = runs.retry(Principal.of(ctx), RunOrigins.of(ctx), old);
    Envelope.reply(
        ctx, 201, Envelope.success("run " + stored.id() + " retries " + old.id(), runData(stored)));
  }

  /**
   * The branch a manual run builds: its ref's, else the one its Job checks out (the Job's {@code
   * branch_override}, else its repository's branch); none for a Job without a repository.
   */
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
