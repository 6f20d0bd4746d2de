package dev.gryt.dashboard;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.ApiException;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Finds the object a page's {@code {ref}} names in the caller's view, as the API does: a typed id
 * ({@code run-…}) or a name in {@code ?namespace=} (default {@code default}). Another tenant's
 * object is simply not found (404).
 */
final class Refs {
  private Refs() {}

  static <R extends GrytResource<?, ?>> R find(ResourceStore view, Context ctx, Class<R> type) {
    ResourceKind kind = ResourceKind.of(type);
    String ref = ctx.pathParam("ref");
    if (ref.length() > 253) {
      throw ApiException.notFound(kind.singular() + " not found");
    }
    if (ref.startsWith(kind.idPrefix())) {
      Optional<GrytResource<?, ?>> byId = view.getById(ref);
      if (byId.isPresent() && type.isInstance(byId.get())) {
        return type.cast(byId.get());
      }
    }
    String ns =
        Optional.ofNullable(ctx.queryParam("namespace")).orElse(ResourceStore.DEFAULT_NAMESPACE);
    if (ns.length() > 253) {
      throw ApiException.badRequest("namespace: at most 253 characters");
    }
    return view.get(type, ns, ref)
        .orElseThrow(() -> ApiException.notFound(kind.singular() + " " + ref + " not found"));
  }

  /** The page of an object: by its id, which names it in every namespace. */
  static String href(GrytResource<?, ?> r) {
    return "/" + r.kind().apiPath() + "/" + r.id();
  }
}
