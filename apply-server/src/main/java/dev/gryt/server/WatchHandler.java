package dev.gryt.server;

import dev.gryt.crds.ResourceKind;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/watch?after=RV[&kind=jobs,pipelines][&timeout_seconds=25]}: a long poll over
 * the store's event log. Answers at once with the events after {@code RV} when there are any, else
 * waits for the next one (or the timeout) — clients loop with the returned {@code
 * resource_version}. An {@code after} older than the log keeps answers 410: list again.
 */
final class WatchHandler {
  private static final int MAX_EVENTS = 500;
  private static final int MAX_TIMEOUT_SECONDS = 60;

  private final ResourceStore store;

  WatchHandler(ResourceStore store) {
    this.store = store;
  }

  void watch(Context ctx) {
    long after = longParam(ctx, "after", store.resourceVersion());
    int timeout = (int) Math.min(longParam(ctx, "timeout_seconds", 25), MAX_TIMEOUT_SECONDS);
    Set<ResourceKind> kinds = kinds(ctx.queryParam("kind"));
    Principal caller = Principal.of(ctx);

    List<WatchEvent> batch = store.events(after, MAX_EVENTS);
    List<WatchEvent> events = matching(batch, kinds, caller);
    long position = after;
    for (WatchEvent e : batch) {
      position = Math.max(position, e.resourceVersion());
    }
    if (events.isEmpty() && position == after) {
      CountDownLatch arrived = new CountDownLatch(1);
      List<WatchEvent> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      try (Watch w =
          store.watch(
              after,
              e -> {
                seen.add(e);
                WatchEvent mine = TenantStore.visible(caller, e);
                if (mine != null && kinds.contains(mine.resource().kind())) {
                  arrived.countDown();
                }
              })) {
        try {
          arrived.await(timeout, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          // The server is stopping; the client's next long poll goes to whoever serves next.
          Thread.currentThread().interrupt();
          throw new ApiException(503, "server is shutting down; watch again", null);
        }
        if (w.failure().isPresent()) {
          throw w.failure().get();
        }
      }
      synchronized (seen) {
        events = matching(seen, kinds, caller);
        for (WatchEvent e : seen) {
          position = Math.max(position, e.resourceVersion());
        }
      }
    }
    List<Map<String, Object>> out = new ArrayList<>(events.size());
    for (WatchEvent e : events) {
      position = Math.max(position, e.resourceVersion());
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("type", e.type().name());
      item.put("resource_version", e.resourceVersion());
      item.put("object", ResourceView.of(e.resource()));
      out.add(item);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("events", out);
    data.put("resource_version", position);
    ApiServer.reply(ctx, 200, Envelope.success(out.size() + " event(s)", data));
  }

  private static List<WatchEvent> matching(
      List<WatchEvent> events, Set<ResourceKind> kinds, Principal caller) {
    return events.stream()
        .map(e -> TenantStore.visible(caller, e))
        .filter(e -> e != null && kinds.contains(e.resource().kind()))
        .toList();
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

  private static long longParam(Context ctx, String name, long fallback) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw ApiException.badRequest(name + " must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, not " + v);
    }
  }
}
