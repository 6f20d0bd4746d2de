package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.operator.Lookup;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Lookup} over one controller's informer caches. A reconciler may read only the kinds its
 * controller declared as {@link Reference}s: reading another one would see nothing and never be
 * woken by its changes, so it fails loudly instead.
 */
final class InformerLookup implements Lookup {
  private final String controller;
  private final Map<Class<?>, InformerEventSource<?, ?>> caches = new ConcurrentHashMap<>();

  InformerLookup(String controller) {
    this.controller = controller;
  }

  void add(Class<?> type, InformerEventSource<?, ?> cache) {
    caches.put(type, cache);
  }

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    return cache(type).get(new ResourceID(name, namespace));
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
    InformerEventSource<R, ?> cache = cache(type);
    return (namespace == null ? cache.list(r -> true) : cache.list(namespace, r -> true)).toList();
  }

  @SuppressWarnings("unchecked")
  private <R extends GrytResource<?, ?>> InformerEventSource<R, ?> cache(Class<R> type) {
    InformerEventSource<?, ?> cache = caches.get(type);
    if (cache == null) {
      throw new IllegalStateException(
          controller + " reads " + type.getSimpleName() + " but declares no Reference to it");
    }
    return (InformerEventSource<R, ?>) cache;
  }
}
