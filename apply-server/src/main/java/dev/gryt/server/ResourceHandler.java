package dev.gryt.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** REST reads and deletes of one kind: {@code /api/v1/{kind}[/{idOrName}]}. */
final class ResourceHandler {
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
    List<ObjectNode> items =
        store.list(kind.type(), namespace, Map.of()).stream()
            .filter(r -> job == null || job.equals(((JobRun) r).getSpec().jobName))
            .map(ResourceView::of)
            .toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", items.size());
    ApiServer.reply(ctx, 200, Envelope.success(items.size() + " " + kind.plural(), data));
  }

  void get(Context ctx) {
    GrytResource<?, ?> r = find(ctx);
    ApiServer.reply(
        ctx,
        200,
        Envelope.success(kind.singular() + "/" + r.getMetadata().getName(), ResourceView.of(r)));
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
    ApiServer.reply(
        ctx,
        200,
        Envelope.success(kind.singular() + "/" + r.getMetadata().getName() + " deleted", data));
  }

  private GrytResource<?, ?> find(Context ctx) {
    return ResourceRefs.find(TenantStore.of(store, ctx), ctx, kind.type());
  }
}
