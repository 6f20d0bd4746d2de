package dev.gryt.crds;

/** Identity of a resource within a store: kind, namespace and name. */
public record ResourceKey(ResourceKind kind, String namespace, String name) {
  public static final String DEFAULT_NAMESPACE = "default";

  @Override
  public String toString() {
    return kind.singular() + "/" + namespace + "/" + name;
  }

  public static ResourceKey of(GrytResource<?, ?> r) {
    String ns = r.getMetadata().getNamespace();
    return new ResourceKey(
        r.kind(), ns == null ? DEFAULT_NAMESPACE : ns, r.getMetadata().getName());
  }
}
