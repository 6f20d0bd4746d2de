package dev.gryt.crds;

import java.util.Optional;

/** Reads a resource by kind, namespace and name: a store, or informer caches. */
public interface ResourceReader {
  <R extends GrytResource<?, ?>> Optional<R> get(Class<R> type, String namespace, String name);
}
