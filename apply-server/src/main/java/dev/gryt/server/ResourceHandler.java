package dev.gryt.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** REST reads and deletes of one kind: {@code /api/v1/{kind}[/{idOrName}]}. */
final class ResourceHandler {
  /** The most items one list reply holds; {@code next_offset} pages through the rest. */
  static final int MAX_PAGE = 500;

  /** How many of an object's newest changes {@link #events} reads, and how many events it shows. */
  private static final int HISTORY = 50;

  private static final int EVENTS = 20;

  private final ResourceStore store;
  private final ResourceKind kind;

  ResourceHandler(ResourceStore store, ResourceKind kind) {
    this.store = store;
    this.kind = kind;
  }

  void list(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    String namespace = ctx.queryParam("namespace");
    String job = kind == ResourceKind.JOB_RUN ? ctx.queryParam("job") : null;
    int limit = QueryParams.integer(ctx, "limit", MAX_PAGE, 1, MAX_PAGE);
    int offset = QueryParams.integer(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    List<? extends GrytResource<?, ?>> all =
        store.list(kind.type(), namespace, Map.of()).stream()
            .filter(r -> job == null || job.equals(((JobRun) r).getSpec().jobName))
            .toList();
    List<ObjectNode> items = all.stream().skip(offset).limit(limit).map(ResourceView::of).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", all.size());
    data.put("offset", offset);
    data.put("limit", limit);
    // Where the next page starts; null on the last one.
    data.put("next_offset", offset + items.size() < all.size() ? offset + items.size() : null);
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " " + kind.plural(), data));
  }

  void get(Context ctx) {
    GrytResource<?, ?> r = find(ctx);
    Envelope.reply(
        ctx,
        200,
        Envelope.success(kind.singular() + "/" + r.getMetadata().getName(), ResourceView.of(r)));
  }

  /** {@code GET /api/v1/{kind}/{ref}/events}: the object's recent events, newest first. */
  void events(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    List<Map<String, Object>> events = recentEvents(store, find(ctx));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", events);
    Envelope.reply(ctx, 200, Envelope.success(events.size() + " event(s)", data));
  }

  /** An object's recent events, newest first, as {@code describe} shows them. */
  static List<Map<String, Object>> recentEvents(ResourceStore view, GrytResource<?, ?> r) {
    return ObjectEvents.of(
            view.history(
                r.kind(), r.getMetadata().getNamespace(), r.getMetadata().getName(), HISTORY))
        .stream()
        .limit(EVENTS)
        .toList();
  }

  void delete(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    GrytResource<?, ?> r = find(ctx);
    store.delete(
        kind,
        r.getMetadata().getNamespace(),
        r.getMetadata().getName(),
        r.getMetadata().getResourceVersion());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("kind", kind.kind());
    data.put("namespace", r.getMetadata().getNamespace());
    data.put("name", r.getMetadata().getName());
    data.put("id", r.id());
    data.put("action", "deleted");
    Envelope.reply(
        ctx,
        200,
        Envelope.success(kind.singular() + "/" + r.getMetadata().getName() + " deleted", data));
  }

  private GrytResource<?, ?> find(Context ctx) {
    return ResourceRefs.find(TenantStore.of(store, ctx), ctx, kind.type());
  }
}
