package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.operator.Lookup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Lookup} over one controller's informer caches. A reconciler may read only the kinds its
 * controller's reconciler declared as {@link dev.gryt.operator.Reference}s: reading another one
 * would see nothing and never be woken by its changes, so it fails loudly instead.
 */
final class InformerLookup implements Lookup {
  private final String controller;
  private final Map<Class<?>, InformerEventSource<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile KubernetesClient client;

  InformerLookup(String controller) {
    this.controller = controller;
  }

  void add(Class<?> type, InformerEventSource<?, ?> cache) {
    caches.put(type, cache);
  }

  /** The client a cache miss is checked with (see {@link #get}). */
  void client(KubernetesClient client) {
    this.client = client;
  }

  /**
   * From the cache; a miss is checked against the API server, because informers of different kinds
   * are not ordered: a JobRun may be reconciled before its Job reaches the Job cache, and a
   * decision such as "the Job is gone, cancel the run" must not rest on that lag.
   */
  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    Optional<R> cached = cache(type).get(new ResourceID(name, namespace));
    KubernetesClient live = client;
    if (cached.isPresent() || live == null) {
      return cached;
    }
    return Optional.ofNullable(live.resources(type).inNamespace(namespace).withName(name).get());
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
          controller
              + " reads "
              + type.getSimpleName()
              + " but declares no Reference to it (Reconciler.references())");
    }
    return (InformerEventSource<R, ?>) cache;
  }
}
