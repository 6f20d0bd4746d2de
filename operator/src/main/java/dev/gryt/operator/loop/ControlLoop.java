package dev.gryt.operator.loop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.Outcome;
import dev.gryt.operator.Reconciler;
import dev.gryt.store.ConflictException;
import dev.gryt.store.GoneException;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone driver: watches a {@link ResourceStore}, queues the key of every changed resource
 * and of the resources that depend on it, and runs each kind's {@link Reconciler} on it, writing
 * status only when it changed and carrying out the deletes it decided. Failures come back with
 * exponential backoff; a status write that lost a race is retried at once from a fresh read.
 */
public final class ControlLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

  private final ResourceStore store;
  private final Clock clock;
  private final Map<ResourceKind, Reconciler<?, ?>> reconcilers = new EnumMap<>(ResourceKind.class);
  private final WorkQueue<ResourceKey> queue;
  private final ResourceCache cache = new ResourceCache();
  private final int workers;
  private final Duration resyncPeriod;
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Companion> companions = new ArrayList<>();
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong statusWrites = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();

  /**
   * The resourceVersion of each resource's status as this loop last wrote it: the watch event of
   * that write needs no reconcile of the resource itself, which decided on it a moment ago from the
   * same inputs (a change to an input queues the resource anyway).
   */
  private final Map<ResourceKey, String> ownWrites = new ConcurrentHashMap<>();

  /** Keys whose next reconcile reads the store, not the cache (a conflict showed it behind). */
  private final Set<ResourceKey> readFromStore = ConcurrentHashMap.newKeySet();

  private volatile StatusWriter writer;
  private ScheduledExecutorService timer;
  private volatile Watch watch;
  private volatile boolean running;

  public ControlLoop(ResourceStore store, Clock clock, int workers, Duration resyncPeriod) {
    this.store = store;
    this.clock = clock;
    this.workers = workers;
    this.resyncPeriod = resyncPeriod;
    this.queue = new WorkQueue<>(clock, Duration.ofMillis(50), Duration.ofMinutes(5));
  }

  public <R extends GrytResource<?, T>, T extends GrytStatus> ControlLoop register(
      ResourceKind kind, Reconciler<R, T> reconciler) {
    reconcilers.put(kind, reconciler);
    reconciler.references().forEach(cache::follow);
    return this;
  }

  /**
   * Something that runs alongside the loop, started after it and stopped before it, so that it too
   * runs only while this process leads (the dispatcher that places runs on agents).
   */
  public interface Companion extends AutoCloseable {
    void start();

    @Override
    void close();
  }

  /** Runs {@code companion} whenever this loop runs. */
  public ControlLoop with(Companion companion) {
    companions.add(companion);
    return this;
  }

  /** Lists everything, queues it, then follows the store's changes. */
  public synchronized void start() {
    running = true;
    writer = new StatusWriter(store);
    listAndWatch();
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::work, "gryt-reconcile-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gryt-resync");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::resync, resyncPeriod.toMillis(), resyncPeriod.toMillis(), TimeUnit.MILLISECONDS);
    companions.forEach(Companion::start);
  }

  private void listAndWatch() {
    long rv = store.resourceVersion();
    for (ResourceKind kind : reconcilers.keySet()) {
      for (GrytResource<?, ?> r : store.list(kind.type(), null, Map.of())) {
        cache.put(r);
        queue.add(ResourceKey.of(r));
      }
    }
    watch = store.watch(rv, this::onEvent);
  }

  private void onEvent(WatchEvent event) {
    GrytResource<?, ?> r = event.resource();
    if (event.type() == WatchEvent.Type.DELETED) {
      cache.remove(r);
    } else {
      cache.put(r);
    }
    ResourceKey key = ResourceKey.of(r);
    boolean echo =
        event.type() == WatchEvent.Type.MODIFIED
            && r.getMetadata().getResourceVersion() != null
            && ownWrites.remove(key, r.getMetadata().getResourceVersion());
    if (reconcilers.containsKey(r.kind()) && !echo) {
      queue.add(key);
    }
    cache.dependents(r, event.type() == WatchEvent.Type.DELETED).forEach(queue::add);
  }

  /**
   * Queues {@code key} now: for what learns off the loop's threads that a resource needs another
   * look (a repo probe that answered).
   */
  public void requeue(ResourceKey key) {
    if (running) {
      queue.add(key);
    }
  }

  /**
   * Queues every known resource again (and relists if the watch fell behind); runs periodically.
   */
  public void resync() {
    Watch w = watch;
    if (w != null && w.failure().isPresent() && w.failure().get() instanceof GoneException) {
      LOG.info("watch fell behind the event log; listing again");
      w.close();
      listAndWatch();
    }
    cache.keys().forEach(queue::add);
  }

  private void work() {
    while (running) {
      Optional<ResourceKey> next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (next.isEmpty()) {
        return;
      }
      ResourceKey key = next.get();
      boolean handedOver = false;
      try {
        handedOver = reconcile(key);
      } finally {
        if (!handedOver) {
          queue.done(key);
        }
      }
    }
  }

  /**
   * Decides on {@code key}; true when its status write was handed to the {@link StatusWriter},
   * which then finishes the key (the key stays in process until its status is stored, so that no
   * second decision runs on the old status).
   */
  private boolean reconcile(ResourceKey key) {
    reconciles.incrementAndGet();
    try {
      Optional<? extends GrytResource<?, ?>> fresh = current(key);
      if (fresh.isEmpty()) {
        queue.forget(key);
        return false;
      }
      Outcome<?> outcome = decide(fresh.get());
      if (statusChanged(fresh.get(), outcome.status())) {
        writer.write(fresh.get(), afterWrite(key, outcome));
        return true;
      }
      finish(key, outcome);
    } catch (ConflictException | NotFoundException e) {
      // Someone wrote in between: decide again from what is stored now.
      readFromStore.add(key);
      queue.add(key);
    } catch (RuntimeException e) {
      retryLater(key, e);
    }
    return false;
  }

  /**
   * What a reconcile decides from: a copy of the cached object, which the watch keeps current and
   * the loop's own writes refresh; after a conflict showed the cache behind the store, the stored
   * object. A stale copy can only cost a decision: every status write and delete is fenced by the
   * resourceVersion it was decided on.
   */
  private Optional<? extends GrytResource<?, ?>> current(ResourceKey key) {
    if (readFromStore.remove(key)) {
      return store.get(key.kind().type(), key.namespace(), key.name());
    }
    return cache.get(key.kind().type(), key.namespace(), key.name()).map(ResourceCodec::copy);
  }

  /** What is left of a reconcile once its status is written: deletes, the next look. */
  private void finish(ResourceKey key, Outcome<?> outcome) {
    outcome.deletes().forEach(this::delete);
    queue.forget(key);
    if (outcome.requeueAfter() != null) {
      queue.addAfter(key, outcome.requeueAfter());
    }
  }

  private void retryLater(ResourceKey key, RuntimeException e) {
    Duration delay = queue.addRateLimited(key);
    LOG.warn("reconcile of {} failed (retry in {} ms): {}", key, delay.toMillis(), e.toString());
  }

  private StatusWriter.Callback afterWrite(ResourceKey key, Outcome<?> outcome) {
    return new StatusWriter.Callback() {
      @Override
      public void stored(GrytResource<?, ?> written) {
        ownWrites.put(key, written.getMetadata().getResourceVersion());
        // The store never shares what it returns, and nothing else here keeps it: no copy needed.
        cache.put(written);
        statusWrites.incrementAndGet();
      }

      @Override
      public void written(GrytResource<?, ?> written) {
        try {
          finish(key, outcome);
        } catch (ConflictException | NotFoundException e) {
          readFromStore.add(key);
          queue.add(key);
        } catch (RuntimeException e) {
          retryLater(key, e);
        } finally {
          queue.done(key);
        }
      }

      @Override
      public void stale(RuntimeException e) {
        // Someone wrote in between: decide again from what is stored now.
        readFromStore.add(key);
        queue.add(key);
        queue.done(key);
      }

      @Override
      public void failed(RuntimeException e) {
        retryLater(key, e);
        queue.done(key);
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Outcome<?> decide(GrytResource<?, ?> resource) {
    Reconciler reconciler = reconcilers.get(resource.kind());
    return reconciler.reconcile(resource, cache, clock.instant());
  }

  /** Whether {@code status} differs from the resource's; if so, sets it on the resource. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean statusChanged(GrytResource resource, GrytStatus status) {
    JsonNode before = ResourceCodec.toTree(resource.getStatus());
    JsonNode after = ResourceCodec.toTree(status);
    if (before.equals(after)) {
      return false;
    }
    resource.setStatus(status);
    return true;
  }

  /**
   * Deletes what a reconciler decided to delete, fenced by the resourceVersion the decision saw: a
   * resource changed since (a conflict) is decided again; one already gone needs nothing.
   */
  private void delete(ResourceKey key) {
    Optional<? extends GrytResource<?, ?>> seen =
        cache.get(key.kind().type(), key.namespace(), key.name());
    if (seen.isEmpty()) {
      return;
    }
    try {
      store.delete(
          key.kind(), key.namespace(), key.name(), seen.get().getMetadata().getResourceVersion());
      deletes.incrementAndGet();
    } catch (NotFoundException e) {
      // Deleted in between (by a user or an earlier reconcile): the goal is reached.
    }
  }

  /** Reconciles run so far (for benchmarks and tests). */
  public long reconciles() {
    return reconciles.get();
  }

  public long statusWrites() {
    return statusWrites.get();
  }

  /** Resources deleted on a reconciler's decision (run history beyond its limit). */
  public long deletes() {
    return deletes.get();
  }

  /**
   * The threads this loop needs that have died (the status writer, a reconcile worker): empty while
   * it runs as it should, or once it is closed. A dead one never comes back by itself.
   */
  public List<String> deadThreads() {
    if (!running) {
      return List.of();
    }
    List<String> dead = new ArrayList<>();
    StatusWriter w = writer;
    if (w != null && w.dead()) {
      dead.add(w.threadName());
    }
    for (Thread t : threads) {
      if (!t.isAlive()) {
        dead.add(t.getName());
      }
    }
    return dead;
  }

  /** True when no key is queued, delayed or being reconciled. */
  public boolean idle() {
    return queue.idle();
  }

  @Override
  public synchronized void close() {
    companions.forEach(Companion::close);
    running = false;
    queue.shutDown();
    if (writer != null) {
      writer.close();
    }
    if (watch != null) {
      watch.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
