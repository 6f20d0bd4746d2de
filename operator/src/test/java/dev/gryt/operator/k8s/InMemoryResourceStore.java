package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.AlreadyExistsException;
import dev.gryt.store.ConflictException;
import dev.gryt.store.Mutation;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A {@link ResourceStore} in memory, so the standalone control loop can run the same scenarios as
 * the Kubernetes driver without a database. It keeps the write rules of the contract (ids,
 * generation, resourceVersion fencing) but never compacts its event log; the SQL stores are the
 * real thing.
 */
final class InMemoryResourceStore implements ResourceStore {
  private final Clock clock;
  private final Map<ResourceKey, GrytResource<?, ?>> objects = new HashMap<>();
  private final List<WatchEvent> log = new ArrayList<>();
  private long resourceVersion;

  InMemoryResourceStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    GrytResource<?, ?> r = objects.get(new ResourceKey(ResourceKind.of(type), namespace, name));
    return Optional.ofNullable(r).map(type::cast).map(ResourceCodec::copy);
  }

  @Override
  public synchronized Optional<GrytResource<?, ?>> getById(String id) {
    return objects.values().stream()
        .filter(r -> id.equals(r.id()))
        .findFirst()
        .map(ResourceCodec::copy);
  }

  @Override
  public synchronized <R extends GrytResource<?, ?>> List<R> list(
      Class<R> type, String namespace, Map<String, String> labelSelector) {
    ResourceKind kind = ResourceKind.of(type);
    return objects.entrySet().stream()
        .filter(e -> e.getKey().kind() == kind)
        .filter(e -> namespace == null || namespace.equals(e.getKey().namespace()))
        .filter(e -> labelsMatch(e.getValue(), labelSelector))
        .sorted(
            Comparator.comparing((Map.Entry<ResourceKey, ?> e) -> e.getKey().namespace())
                .thenComparing(e -> e.getKey().name()))
        .map(e -> ResourceCodec.copy(type.cast(e.getValue())))
        .toList();
  }

  private static boolean labelsMatch(GrytResource<?, ?> r, Map<String, String> selector) {
    Map<String, String> labels = r.getMetadata().getLabels();
    return selector.entrySet().stream()
        .allMatch(s -> labels != null && s.getValue().equals(labels.get(s.getKey())));
  }

  @Override
  public synchronized <R extends GrytResource<?, ?>> R create(R resource) {
    R r = ResourceCodec.copy(resource);
    var meta = r.getMetadata();
    if (meta.getNamespace() == null) {
      meta.setNamespace(DEFAULT_NAMESPACE);
    }
    ResourceKey key = ResourceKey.of(r);
    if (objects.containsKey(key)) {
      throw new AlreadyExistsException(key + " already exists");
    }
    meta.setUid(UUID.randomUUID().toString());
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.getLabels() != null) {
      labels.putAll(meta.getLabels());
    }
    labels.put(
        GrytResource.ID_LABEL, r.kind().idPrefix() + UUID.randomUUID().toString().substring(0, 8));
    meta.setLabels(labels);
    meta.setGeneration(1L);
    meta.setCreationTimestamp(clock.instant().toString());
    copyStatus(null, r);
    return write(key, r, WatchEvent.Type.ADDED);
  }

  @Override
  public synchronized <R extends GrytResource<?, ?>> R update(R resource) {
    GrytResource<?, ?> stored = fenced(resource);
    R r = ResourceCodec.copy(resource);
    var meta = r.getMetadata();
    var storedMeta = stored.getMetadata();
    meta.setUid(storedMeta.getUid());
    meta.setCreationTimestamp(storedMeta.getCreationTimestamp());
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.getLabels() != null) {
      labels.putAll(meta.getLabels());
    }
    labels.put(GrytResource.ID_LABEL, stored.id());
    meta.setLabels(labels);
    boolean specChanged =
        !ResourceCodec.toTree(stored.getSpec()).equals(ResourceCodec.toTree(r.getSpec()));
    meta.setGeneration(storedMeta.getGeneration() + (specChanged ? 1 : 0));
    copyStatus(stored, r);
    return write(ResourceKey.of(r), r, WatchEvent.Type.MODIFIED);
  }

  @Override
  public synchronized <R extends GrytResource<?, ?>> R updateStatus(R resource) {
    GrytResource<?, ?> stored = ResourceCodec.copy(fenced(resource));
    copyStatus(resource, stored);
    write(ResourceKey.of(stored), stored, WatchEvent.Type.MODIFIED);
    @SuppressWarnings("unchecked")
    R written = (R) ResourceCodec.copy(stored);
    return written;
  }

  @Override
  public synchronized void delete(
      ResourceKind kind, String namespace, String name, String expectedResourceVersion) {
    ResourceKey key = new ResourceKey(kind, namespace, name);
    GrytResource<?, ?> stored = objects.get(key);
    if (stored == null) {
      throw new NotFoundException(key + " not found");
    }
    if (expectedResourceVersion != null
        && !expectedResourceVersion.equals(stored.getMetadata().getResourceVersion())) {
      throw new ConflictException(key + " has changed");
    }
    objects.remove(key);
    log.add(new WatchEvent(++resourceVersion, WatchEvent.Type.DELETED, ResourceCodec.copy(stored)));
    notifyAll();
  }

  @Override
  public synchronized List<GrytResource<?, ?>> commit(List<Mutation> mutations) {
    Map<ResourceKey, GrytResource<?, ?>> objectsBefore = new HashMap<>(objects);
    int logBefore = log.size();
    long versionBefore = resourceVersion;
    try {
      List<GrytResource<?, ?>> results = new ArrayList<>();
      for (Mutation m : mutations) {
        results.add(apply(m));
      }
      return results;
    } catch (RuntimeException e) {
      objects.clear();
      objects.putAll(objectsBefore);
      log.subList(logBefore, log.size()).clear();
      resourceVersion = versionBefore;
      throw e;
    }
  }

  private GrytResource<?, ?> apply(Mutation m) {
    if (m instanceof Mutation.Create c) {
      return create(c.resource());
    } else if (m instanceof Mutation.Update u) {
      return update(u.resource());
    } else if (m instanceof Mutation.UpdateStatus s) {
      return updateStatus(s.resource());
    } else if (m instanceof Mutation.Delete d) {
      delete(d.kind(), d.namespace(), d.name(), d.expectedResourceVersion());
      return null;
    }
    throw new IllegalArgumentException("unknown mutation " + m);
  }

  @Override
  public synchronized long resourceVersion() {
    return resourceVersion;
  }

  @Override
  public synchronized List<WatchEvent> events(long afterResourceVersion, int limit) {
    return log.stream()
        .filter(e -> e.resourceVersion() > afterResourceVersion)
        .limit(limit)
        .toList();
  }

  @Override
  public Watch watch(long afterResourceVersion, Consumer<WatchEvent> listener) {
    return new PollingWatch(afterResourceVersion, listener);
  }

  @Override
  public void close() {}

  private GrytResource<?, ?> fenced(GrytResource<?, ?> resource) {
    ResourceKey key = ResourceKey.of(resource);
    GrytResource<?, ?> stored = objects.get(key);
    if (stored == null) {
      throw new NotFoundException(key + " not found");
    }
    if (!Objects.equals(
        stored.getMetadata().getResourceVersion(), resource.getMetadata().getResourceVersion())) {
      throw new ConflictException(key + " has changed");
    }
    return stored;
  }

  private <R extends GrytResource<?, ?>> R write(ResourceKey key, R r, WatchEvent.Type type) {
    r.getMetadata().setResourceVersion(Long.toString(++resourceVersion));
    objects.put(key, r);
    log.add(new WatchEvent(resourceVersion, type, ResourceCodec.copy(r)));
    notifyAll();
    return ResourceCodec.copy(r);
  }

  /** Gives {@code target} a deep copy of {@code source}'s status (none when source is null). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void copyStatus(GrytResource source, GrytResource target) {
    target.setStatus(source == null ? null : ResourceCodec.copy(source).getStatus());
  }

  /** Delivers the log to one listener on its own thread, in order, until closed. */
  private final class PollingWatch implements Watch, Runnable {
    private final Consumer<WatchEvent> listener;
    private final Thread thread;
    private long delivered;
    private volatile boolean open = true;

    PollingWatch(long after, Consumer<WatchEvent> listener) {
      this.listener = listener;
      this.delivered = after;
      this.thread = new Thread(this, "in-memory-store-watch");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void run() {
      while (open) {
        List<WatchEvent> next;
        synchronized (InMemoryResourceStore.this) {
          next = events(delivered, 100);
          if (next.isEmpty()) {
            try {
              InMemoryResourceStore.this.wait(100);
            } catch (InterruptedException e) {
              return;
            }
            continue;
          }
        }
        for (WatchEvent e : next) {
          listener.accept(e);
          delivered = e.resourceVersion();
        }
      }
    }

    @Override
    public Optional<RuntimeException> failure() {
      return Optional.empty();
    }

    @Override
    public void close() {
      open = false;
      thread.interrupt();
    }
  }
}
