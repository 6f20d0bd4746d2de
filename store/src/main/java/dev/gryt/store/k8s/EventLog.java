package dev.gryt.store.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.GoneException;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The event log of a {@link KubernetesResourceStore}, in memory: every change this process saw,
 * from its own writes (as they return) and from the Kubernetes watches (the writes of everyone
 * else: the operator's status, kubectl, other API server replicas).
 *
 * <p>Each change gets a position: {@code max(last + 1, the object's resourceVersion)}. Kubernetes
 * calls resourceVersion opaque, but every etcd-backed API server (and fabric8's mock) hands out the
 * etcd revision, one cluster-wide increasing number; so positions follow the cluster's versions
 * where they can and still strictly increase when they cannot (the watches of two kinds arrive in
 * either order; a delete in the mock server keeps the object's last version; a resourceVersion that
 * is not a number). Positions are given on arrival and never move, so a reader resuming after a
 * position misses nothing that arrived after it.
 *
 * <p>Each change arrives twice (the write's answer and the watch's echo); the second is dropped.
 */
final class EventLog {
  /** How many recently seen changes are remembered to drop their second arrival. */
  private static final int SEEN_KEYS = 50_000;

  private final long retention;
  private final java.util.function.UnaryOperator<GrytResource<?, ?>> reading;
  private final ArrayDeque<WatchEvent> events = new ArrayDeque<>();
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > SEEN_KEYS;
        }
      };
  private final List<LogWatch> watches = new ArrayList<>();
  private long position;

  /** Events after this position are all in the log; older ones are gone (or were never seen). */
  private long floor;

  /**
   * @param reading what each recorded object goes through before it is kept (its sealed secret
   *     opened: the log is what watches and {@code history} read)
   */
  EventLog(
      long start, long retention, java.util.function.UnaryOperator<GrytResource<?, ?>> reading) {
    this.reading = reading;
    this.position = start;
    this.floor = start;
    this.retention = retention;
  }

  /** Records a change unless it was recorded already; returns its position (or 0 when a repeat). */
  synchronized long record(WatchEvent.Type type, GrytResource<?, ?> resource) {
    if (seen.remove(keyOf(type, resource)) != null) {
      return 0;
    }
    seen.put(keyOf(type, resource), Boolean.TRUE);
    long next = position + 1;
    String rv = resource.getMetadata().getResourceVersion();
    if (rv != null) {
      try {
        next = Math.max(next, Long.parseLong(rv));
      } catch (NumberFormatException notANumber) {
        // Opaque after all: the arrival order alone places it.
      }
    }
    position = next;
    events.addLast(new WatchEvent(next, type, reading.apply(ResourceCodec.copy(resource))));
    while (events.size() > retention) {
      floor = events.removeFirst().resourceVersion();
    }
    notifyAll();
    return next;
  }

  /**
   * The watches lost events (one closed and had to list again): every reader from before now is
   * told {@link GoneException} and lists again.
   */
  synchronized void gap(String why) {
    events.clear();
    floor = position;
    for (LogWatch watch : watches) {
      watch.failure = new GoneException("the Kubernetes watch broke (" + why + "); list again");
    }
    notifyAll();
  }

  synchronized long position() {
    return position;
  }

  synchronized List<WatchEvent> after(long after, int limit) {
    if (after < floor) {
      throw gone(after);
    }
    List<WatchEvent> found = new ArrayList<>();
    for (WatchEvent event : events) {
      if (found.size() >= limit) {
        break;
      }
      if (event.resourceVersion() > after) {
        found.add(copy(event));
      }
    }
    return found;
  }

  synchronized List<WatchEvent> history(ResourceKind kind, String namespace, String name, int max) {
    List<WatchEvent> found = new ArrayList<>();
    Iterator<WatchEvent> newestFirst = events.descendingIterator();
    while (newestFirst.hasNext() && found.size() < max) {
      WatchEvent event = newestFirst.next();
      var meta = event.resource().getMetadata();
      if (event.resource().kind() == kind
          && namespace.equals(meta.getNamespace())
          && name.equals(meta.getName())) {
        found.add(copy(event));
      }
    }
    return found;
  }

  private GoneException gone(long after) {
    return new GoneException(
        "resourceVersion "
            + after
            + " is older than this server's event log (it starts after "
            + floor
            + "); list again");
  }

  Watch watch(long after, Consumer<WatchEvent> listener) {
    LogWatch watch = new LogWatch(after, listener);
    synchronized (this) {
      if (after < floor) {
        watch.failure = gone(after);
      } else {
        watches.add(watch);
      }
    }
    if (watch.failure == null) {
      watch.thread.start();
    }
    return watch;
  }

  synchronized void closeAll() {
    for (LogWatch watch : watches) {
      watch.closed = true;
    }
    watches.clear();
    notifyAll();
  }

  private static WatchEvent copy(WatchEvent event) {
    return new WatchEvent(
        event.resourceVersion(), event.type(), ResourceCodec.copy(event.resource()));
  }

  /**
   * A change's identity across its two arrivals: the version it wrote, or for a delete the uid (a
   * real API server gives the delete a version of its own, the mock server does not).
   */
  private static String keyOf(WatchEvent.Type type, GrytResource<?, ?> resource) {
    var meta = resource.getMetadata();
    String version = type == WatchEvent.Type.DELETED ? meta.getUid() : meta.getResourceVersion();
    return resource.kind().kind()
        + "/"
        + meta.getNamespace()
        + "/"
        + meta.getName()
        + "/"
        + type
        + "/"
        + version;
  }

  /** Delivers the log's events after a position, in order, on a thread of its own. */
  private final class LogWatch implements Watch {
    private final Consumer<WatchEvent> listener;
    private final Thread thread;
    private long cursor;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    LogWatch(long after, Consumer<WatchEvent> listener) {
      this.cursor = after;
      this.listener = listener;
      this.thread = new Thread(this::deliver, "gryt-k8s-watch");
      thread.setDaemon(true);
    }

    private void deliver() {
      while (!closed) {
        List<WatchEvent> batch;
        synchronized (EventLog.this) {
          while (!closed && failure == null && position <= cursor) {
            try {
              EventLog.this.wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (closed || failure != null) {
            return;
          }
          if (cursor < floor) {
            failure = gone(cursor);
            return;
          }
          batch = after(cursor, 500);
        }
        for (WatchEvent event : batch) {
          if (closed) {
            return;
          }
          listener.accept(event);
          cursor = event.resourceVersion();
        }
      }
    }

    @Override
    public Optional<RuntimeException> failure() {
      return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
      closed = true;
      synchronized (EventLog.this) {
        watches.remove(this);
        EventLog.this.notifyAll();
      }
      if (Thread.currentThread() != thread) {
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
