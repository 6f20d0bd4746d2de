package dev.gryt.crds;

import java.util.Locale;
import java.util.Optional;

/**
 * The most one object may take when stored (its JSON form, status included): 512 KiB. A manifest is
 * a few KB, so this leaves room for long scripts while one tenant's object can never fill the
 * server's heap or its database. Checked before anything is stored, by the manifest parser and by
 * every store.
 */
public final class ObjectSize {
  /** 512 KiB: a quarter of what Kubernetes' etcd takes per object by default. */
  public static final int MAX_BYTES = 512 * 1024;

  private ObjectSize() {}

  /** Why {@code resource} is refused, or empty when it fits. */
  public static Optional<String> problem(GrytResource<?, ?> resource) {
    return problem(resource, ResourceCodec.toJsonBytes(resource).length);
  }

  /** Why {@code resource}, whose JSON takes {@code bytes}, is refused, or empty when it fits. */
  public static Optional<String> problem(GrytResource<?, ?> resource, long bytes) {
    if (bytes <= MAX_BYTES) {
      return Optional.empty();
    }
    return Optional.of(describe(resource) + " is " + kib(bytes) + " stored; " + limit());
  }

  /** {@code the limit is 512 KiB per object}. */
  public static String limit() {
    return "the limit is " + MAX_BYTES / 1024 + " KiB per object";
  }

  public static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }

  private static String describe(GrytResource<?, ?> resource) {
    var meta = resource.getMetadata();
    String name = meta == null ? null : meta.getName();
    String namespace =
        meta == null || meta.getNamespace() == null ? "default" : meta.getNamespace();
    return resource.kind().kind() + " \"" + name + "\" in namespace \"" + namespace + "\"";
  }
}
