package dev.gryt.operator.loop;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.Lookup;
import dev.gryt.operator.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the control loop has seen of the store, kept current by the watch (an informer cache).
 * Reconcilers read the resources they refer to from here; the resource being reconciled is always
 * read fresh from the store, and status writes are fenced by resourceVersion, so a stale cache can
 * delay a decision but never make a wrong write stick.
 */
final class ResourceCache implements Lookup {
  /** kind → namespace → name → resource: lists of one kind in one namespace never scan the rest. */
  private final Map<ResourceKind, Map<String, Map<String, GrytResource<?, ?>>>> objects =
      new ConcurrentHashMap<>();

  /** What the registered reconcilers read: a change of a kind read wakes its readers. */
  private final List<Reference<?, ?>> references = new CopyOnWriteArrayList<>();

  /**
   * Keeps {@code r} unless a newer version of it is cached already: the loop also puts what its own
   * status writes stored, which the watch may deliver after older events of the same object.
   */
  void put(GrytResource<?, ?> r) {
    ResourceKey key = ResourceKey.of(r);
    objects
        .computeIfAbsent(key.kind(), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(key.namespace(), n -> new ConcurrentHashMap<>())
        .merge(key.name(), r, (cached, given) -> notOlder(given, cached) ? given : cached);
  }

  /** Compares store resourceVersions as numbers; where either is not one, the newest put wins. */
  private static boolean notOlder(GrytResource<?, ?> given, GrytResource<?, ?> cached) {
    try {
      return Long.parseLong(given.getMetadata().getResourceVersion())
          >= Long.parseLong(cached.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return true;
    }
  }

  void remove(GrytResource<?, ?> r) {
    ResourceKey key = ResourceKey.of(r);
    Map<String, GrytResource<?, ?>> names =
        objects.getOrDefault(key.kind(), Map.of()).get(key.namespace());
    if (names != null) {
      names.remove(key.name());
    }
  }

  List<ResourceKey> keys() {
    List<ResourceKey> keys = new ArrayList<>();
    objects.forEach(
        (kind, namespaces) ->
            namespaces.forEach(
                (ns, names) ->
                    names.keySet().forEach(n -> keys.add(new ResourceKey(kind, ns, n)))));
    return keys;
  }

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    Map<String, GrytResource<?, ?>> names =
        objects.getOrDefault(ResourceKind.of(type), Map.of()).get(namespace);
    return names == null ? Optional.empty() : Optional.ofNullable(names.get(name)).map(type::cast);
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
    Map<String, Map<String, GrytResource<?, ?>>> namespaces =
        objects.getOrDefault(ResourceKind.of(type), Map.of());
    List<R> out = new ArrayList<>();
    if (namespace == null) {
      namespaces.values().forEach(names -> names.values().forEach(r -> out.add(type.cast(r))));
    } else {
      namespaces.getOrDefault(namespace, Map.of()).values().forEach(r -> out.add(type.cast(r)));
    }
    return out;
  }

  /**
   * Keys of resources whose reconcile reads {@code changed} and whose decision its change can move,
   * as their reconcilers' {@link Reference}s declare: they must look again. {@code gone} says the
   * change was a deletion.
   */
  List<ResourceKey> dependents(GrytResource<?, ?> changed, boolean gone) {
    List<ResourceKey> out = new ArrayList<>();
    for (Reference<?, ?> reference : references) {
      reference.dependents(changed, gone, this).forEach(r -> out.add(ResourceKey.of(r)));
    }
    return out;
  }

  /** Follows what {@code reference} declares from now on. */
  void follow(Reference<?, ?> reference) {
    references.add(reference);
  }
}
