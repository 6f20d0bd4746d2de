package dev.gryt.operator;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceReader;
import java.util.List;
import java.util.Optional;

/**
 * What a reconciler may read besides the resource it reconciles: a store (standalone) or the
 * informer caches (Kubernetes). Read-only.
 */
public interface Lookup extends ResourceReader {
  @Override
  <R extends GrytResource<?, ?>> Optional<R> get(Class<R> type, String namespace, String name);

  <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace);
}
