package dev.gryt.server.apply;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.ResourceStore;

/** Identity of a resource within a store: kind, namespace and name. */
public record ResourceKey(ResourceKind kind, String namespace, String name) {
  public static ResourceKey of(GrytResource<?, ?> r) {
    String ns = r.getMetadata().getNamespace();
    return new ResourceKey(
        r.kind(), ns == null ? ResourceStore.DEFAULT_NAMESPACE : ns, r.getMetadata().getName());
  }
}
