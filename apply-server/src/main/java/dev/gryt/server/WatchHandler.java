package dev.gryt.server;

import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.WatchEvent;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/v1/watch?after=RV[&kind=jobs,pipelines][&timeout_seconds=25]}: a long poll over
 * the store's event log. Answers at once with the events after {@code RV} when there are any, else
 * waits for the next one (or the timeout) — clients loop with the returned {@code
 * resource_version}. An {@code after} older than the log keeps answers 410: list again. The
 * process's {@link WatchHub} answers and parks the poll; no request thread waits.
 */
final class WatchHandler {
  private final ResourceStore store;
  private final WatchHub hub;

  WatchHandler(ResourceStore store, WatchHub hub) {
    this.store = store;
    this.hub = hub;
  }

  void watch(Context ctx) {
    long after = QueryParams.number(ctx, "after", -1, 0, Long.MAX_VALUE);
    // A longer wait than the server allows is shortened, not refused.
    int timeout =
        (int)
            Math.min(
                QueryParams.number(
                    ctx,
                    "timeout_seconds",
                    HttpLimits.LONG_POLL_DEFAULT_SECONDS,
                    0,
                    Long.MAX_VALUE),
                HttpLimits.LONG_POLL_MAX_SECONDS);
    Principal caller = Principal.of(ctx);
    WatchFilter filter = WatchFilter.of(caller, kinds(ctx.queryParam("kind")));
    if (after < 0) {
      after = store.resourceVersion();
    }
    CompletableFuture<WatchHub.Batch> next =
        hub.next(
            after, filter, HttpLimits.WATCH_PAGE, Duration.ofSeconds(timeout), caller.username());
    if (next == null) {
      // Older than the hub's window: the store's log answers (or says 410, gone from it too).
      List<WatchEvent> batch = store.events(after, HttpLimits.WATCH_PAGE);
      if (batch.isEmpty()) {
        next =
            hub.next(
                after,
                filter,
                HttpLimits.WATCH_PAGE,
                Duration.ofSeconds(timeout),
                caller.username());
      }
      if (next == null) {
        long position = after;
        for (WatchEvent e : batch) {
          position = Math.max(position, e.resourceVersion());
        }
        reply(ctx, new WatchHub.Batch(matching(batch, filter), position));
        return;
      }
    }
    if (next.isDone()) {
      reply(ctx, next.join());
      return;
    }
    // No request thread waits: the hub completes the future on one when the answer is ready.
    CompletableFuture<WatchHub.Batch> waiting = next;
    ctx.future(() -> waiting.thenAccept(b -> reply(ctx, b)));
  }

  private static void reply(Context ctx, WatchHub.Batch batch) {
    List<Map<String, Object>> out = new ArrayList<>(batch.events().size());
    for (WatchEvent e : batch.events()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("type", e.type().name());
      item.put("resource_version", e.resourceVersion());
      item.put("object", ResourceView.of(e.resource()));
      out.add(item);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("events", out);
    data.put("resource_version", batch.position());
    Envelope.reply(ctx, 200, Envelope.success(out.size() + " event(s)", data));
  }

  private static List<WatchEvent> matching(List<WatchEvent> events, WatchFilter filter) {
    return events.stream().map(filter::visible).filter(e -> e != null).toList();
  }

  private static Set<ResourceKind> kinds(String param) {
    if (param == null || param.isBlank()) {
      return EnumSet.allOf(ResourceKind.class);
    }
    Set<ResourceKind> kinds = EnumSet.noneOf(ResourceKind.class);
    List<String> unknown = new ArrayList<>();
    for (String name : param.split(",")) {
      ResourceKind.lookup(name.strip()).ifPresentOrElse(kinds::add, () -> unknown.add(name));
    }
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest(
          "unknown kind(s) " + unknown + "; known: pipelines, github-repos, jobs, webhooks, runs");
    }
    return kinds;
  }
}
