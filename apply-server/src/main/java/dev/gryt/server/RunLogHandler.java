package dev.gryt.server;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.LogChunk;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/v1/runs/{ref}/logs?after=SEQ[&follow=true][&timeout_seconds=25][&limit=N]}: a
 * run's output after chunk {@code SEQ}, oldest first. With {@code follow}, an unfinished run with
 * nothing new is waited on (a long poll) until its agent reports more or the run ends; clients loop
 * with the returned {@code next} until {@code finished} and nothing more comes.
 */
final class RunLogHandler {
  private static final int DEFAULT_LIMIT = 1000;
  private static final int MAX_LIMIT = 10_000;

  private final ResourceStore store;
  private final WatchHub hub;

  RunLogHandler(ResourceStore store, WatchHub hub) {
    this.store = store;
    this.hub = hub;
  }

  void logs(Context ctx) {
    // The caller's view: another account's run is not found, and its namespace is the caller's.
    ResourceStore store = TenantStore.of(this.store, ctx);
    Principal caller = Principal.of(ctx);
    // The position first: a change after it wakes the wait below, even one made before the run
    // and its logs are read (they may show it already, or not yet).
    long rv = store.resourceVersion();
    JobRun run = ResourceRefs.find(store, ctx, JobRun.class);
    long after = QueryParams.number(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = QueryParams.integer(ctx, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
    boolean follow = "true".equalsIgnoreCase(ctx.queryParam("follow"));
    int timeout =
        QueryParams.integer(
            ctx,
            "timeout_seconds",
            HttpLimits.LONG_POLL_DEFAULT_SECONDS,
            0,
            HttpLimits.LONG_POLL_MAX_SECONDS);
    String ns = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();

    List<LogChunk> chunks = store.runLogs().read(ns, name, after, limit);
    if (chunks.isEmpty() && follow && !finished(run)) {
      CompletableFuture<WatchHub.Batch> changed =
          hub.next(
              rv,
              WatchFilter.object(caller, ResourceKind.JOB_RUN, ns, name),
              1,
              Duration.ofSeconds(timeout),
              caller.username());
      // Null: so much happened since rv that the hub forgot it; read again at once.
      if (changed != null && !changed.isDone()) {
        JobRun before = run;
        // No request thread waits: the hub completes the future on one when the run changes.
        ctx.future(
            () ->
                changed.thenAccept(
                    b -> {
                      JobRun now = store.get(JobRun.class, ns, name).orElse(before);
                      reply(ctx, now, store.runLogs().read(ns, name, after, limit), after);
                    }));
        return;
      }
      run = store.get(JobRun.class, ns, name).orElse(run);
      chunks = store.runLogs().read(ns, name, after, limit);
    }
    reply(ctx, run, chunks, after);
  }

  private static void reply(Context ctx, JobRun run, List<LogChunk> chunks, long after) {
    List<Map<String, Object>> items = new ArrayList<>(chunks.size());
    long next = after;
    for (LogChunk c : chunks) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("seq", c.seq());
      item.put("step", c.step());
      item.put("attempt", c.attempt());
      item.put("text", c.text());
      if (c.truncated()) {
        item.put("truncated", true);
      }
      items.add(item);
      next = Math.max(next, c.seq());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run_id", run.id());
    data.put("phase", run.getStatus() == null ? null : run.getStatus().phase);
    data.put("finished", finished(run));
    data.put("next", next);
    data.put("chunks", items);
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " log chunk(s)", data));
  }

  private static boolean finished(JobRun run) {
    return run.getStatus() != null && JobRunPhase.terminal(run.getStatus().phase);
  }
}
