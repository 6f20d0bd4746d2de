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
   * The resourceVersion at which each recently deleted object was seen deleted: a status write the
   * loop stored before the deletion, whose callback puts it after the watch removed the object,
   * must not bring it back (a Webhook would go on seeing its deleted Job). Kept {@link
   * #TOMBSTONE_NANOS}: such a callback comes milliseconds late, not minutes.
   */
  private final Map<ResourceKey, Tombstone> tombstones = new ConcurrentHashMap<>();

  private static final long TOMBSTONE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  private record Tombstone(long resourceVersion, long at) {}

  /**
   * Keeps {@code r} unless a newer version of it is cached already, or it was deleted at its
   * version or later: the loop also puts what its own status writes stored, which the watch may
   * deliver after older events of the same object, and after its deletion.
   */
  void put(GrytResource<?, ?> r) {
    ResourceKey key = ResourceKey.of(r);
    Tombstone tombstone = tombstones.get(key);
    if (tombstone != null) {
      long version = version(r);
      if (version >= 0 && version <= tombstone.resourceVersion()) {
        return;
      }
      tombstones.remove(key, tombstone);
    }
    objects
        .computeIfAbsent(key.kind(), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(key.namespace(), n -> new ConcurrentHashMap<>())
        .merge(key.name(), r, (cached, given) -> notOlder(given, cached) ? given : cached);
  }

  /** Compares store resourceVersions as numbers; where either is not one, the newest put wins. */
  private static boolean notOlder(GrytResource<?, ?> given, GrytResource<?, ?> cached) {
    long givenVersion = version(given);
    long cachedVersion = version(cached);
    return givenVersion < 0 || cachedVersion < 0 || givenVersion >= cachedVersion;
  }

  /** The store's resourceVersion as a number; -1 where it is not one. */
  private static long version(GrytResource<?, ?> r) {
    try {
      return Long.parseLong(r.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Forgets {@code r}, as deleted at its resourceVersion: older versions put later are refused. */
  void remove(GrytResource<?, ?> r) {
    ResourceKey key = ResourceKey.of(r);
    long now = System.nanoTime();
    long version = version(r);
    if (version >= 0) {
      Map<String, GrytResource<?, ?>> cachedNames =
          objects.getOrDefault(key.kind(), Map.of()).get(key.namespace());
      GrytResource<?, ?> cached = cachedNames == null ? null : cachedNames.get(key.name());
      long deletedAt = cached == null ? version : Math.max(version, version(cached));
      if (tombstones.size() > 1_000) {
        tombstones.values().removeIf(t -> now - t.at() > TOMBSTONE_NANOS);
      }
      tombstones.put(key, new Tombstone(deletedAt, now));
    }
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
