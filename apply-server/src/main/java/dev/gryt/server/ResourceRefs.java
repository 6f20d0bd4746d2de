package dev.gryt.server;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.ApiException;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Resolves the {@code {ref}} of a path: a typed id ({@code pipe-…}) or a name in {@code
 * ?namespace=}.
 */
final class ResourceRefs {
  private ResourceRefs() {}

  static <R extends GrytResource<?, ?>> R find(ResourceStore store, Context ctx, Class<R> type) {
    ResourceKind kind = ResourceKind.of(type);
    String ref = ctx.pathParam("ref");
    if (ref.startsWith(kind.idPrefix())) {
      Optional<GrytResource<?, ?>> byId = store.getById(ref);
      if (byId.isPresent() && type.isInstance(byId.get())) {
        return type.cast(byId.get());
      }
    }
    String ns =
        Optional.ofNullable(ctx.queryParam("namespace")).orElse(ResourceStore.DEFAULT_NAMESPACE);
    return store
        .get(type, ns, ref)
        .orElseThrow(() -> ApiException.notFound(kind.singular() + " " + ref + " not found"));
  }
}
