package dev.gryt.server;

import dev.gryt.server.http.ApiException;
import dev.gryt.store.GoneException;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reader of the event log that every long poll of this process shares. A watch of the store
 * feeds it; it keeps the newest {@link HttpLimits#WATCH_WINDOW} events in memory and answers a long
 * poll from them at once, or parks it as a waiter (a future, no thread) that the next matching
 * event or its timeout completes.
 *
 * <p>Before, each long poll held a request thread and started a watch of its own (a thread reading
 * the log every few milliseconds): 260 of them took every request thread, and {@code /healthz}
 * stopped answering.
 *
 * <p>Futures are completed on {@code replies} (the server's request threads), never on the reader
 * or the timer: the reply is written there, and a slow one must not hold up the events of others.
 */
final class WatchHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

  /** How often the hub checks that its reader still runs (and restarts it if not). */
  private static final Duration READER_CHECK = Duration.ofSeconds(1);

  /** What a long poll gets: the events its caller may see, and where to poll from next. */
  record Batch(List<WatchEvent> events, long position) {}

  private final ResourceStore store;
  private final Executor replies;
  private final int perCaller;
  private final int total;
  private final ScheduledThreadPoolExecutor timer;
  private final Object lock = new Object();

  // Guarded by lock: the newest events, oldest first, in a ring; every event after floor up to
  // head is in it.
  private final WatchEvent[] ring;
  private int start;
  private int size;
  private long floor;
  private long head;
  private final Set<Waiter> waiters = new LinkedHashSet<>();
  private final Map<String, Integer> openByCaller = new HashMap<>();
  private Watch reader;
  private boolean closed;

  private WatchHub(ResourceStore store, Executor replies, int window, int perCaller, int total) {
    this.store = store;
    this.replies = replies;
    this.perCaller = perCaller;
    this.total = total;
    this.ring = new WatchEvent[window];
    this.timer = new ScheduledThreadPoolExecutor(1, WatchHub::timerThread);
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Starts reading {@code store}'s events from now on, with the limits of {@link HttpLimits}. */
  static WatchHub start(ResourceStore store, Executor replies) {
    return start(
        store,
        replies,
        HttpLimits.WATCH_WINDOW,
        HttpLimits.LONG_POLLS_PER_CALLER,
        HttpLimits.LONG_POLLS);
  }

  /** The same with other limits (tests). */
  static WatchHub start(
      ResourceStore store, Executor replies, int window, int perCaller, int total) {
    WatchHub hub = new WatchHub(store, replies, window, perCaller, total);
    synchronized (hub.lock) {
      hub.restartReader();
    }
    hub.timer.scheduleWithFixedDelay(
        hub::checkReader, READER_CHECK.toMillis(), READER_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    return hub;
  }

  /** How many long polls wait now. */
  int open() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  /**
   * The events after {@code after} that {@code filter} passes, at most {@code max}: at once when
   * the window has some, else when the next one comes or {@code timeout} passes (then none, and the
   * position the hub reached). Null when {@code after} is older than the window: read the store's
   * log instead.
   *
   * @param caller whom the wait counts against ({@link HttpLimits#LONG_POLLS_PER_CALLER})
   * @throws ApiException 429 when {@code caller} has too many long polls open, 503 when the server
   *     has
   */
  CompletableFuture<Batch> next(
      long after, WatchFilter filter, int max, Duration timeout, String caller) {
    Batch immediate;
    synchronized (lock) {
      if (closed) {
        throw new ApiException(503, "server is shutting down; watch again", null);
      }
      if (after < floor) {
        return null;
      }
      List<WatchEvent> events = new ArrayList<>();
      long position = Math.max(after, head);
      for (int i = firstAfter(after); i < size; i++) {
        WatchEvent e = at(i);
        if (filter.matches(e)) {
          events.add(e);
          if (events.size() == max) {
            position = e.resourceVersion();
            break;
          }
        }
      }
      if (events.isEmpty() && !timeout.isZero()) {
        admit(caller);
        Waiter w = new Waiter(position, filter, caller, new CompletableFuture<>());
        waiters.add(w);
        w.timeout = timer.schedule(() -> expire(w), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return w.future;
      }
      immediate = new Batch(events, position);
    }
    // The caller's copies are made outside the lock: the reader waits for it.
    return CompletableFuture.completedFuture(
        new Batch(immediate.events().stream().map(filter::visible).toList(), immediate.position()));
  }

  private void admit(String caller) {
    int mine = openByCaller.getOrDefault(caller, 0);
    if (mine >= perCaller) {
      throw new ApiException(
          429,
          caller
              + " already has "
              + mine
              + " long polls open (the most one caller may); wait for one to answer",
          null);
    }
    if (waiters.size() >= total) {
      throw new ApiException(
          503, "the server holds " + total + " long polls, its most; try again shortly", null);
    }
    openByCaller.merge(caller, 1, Integer::sum);
  }

  /** Takes a waiter out; false when it was already out. Called with the lock held. */
  private boolean remove(Waiter w) {
    if (!waiters.remove(w)) {
      return false;
    }
    openByCaller.computeIfPresent(w.caller, (k, n) -> n == 1 ? null : n - 1);
    if (w.timeout != null) {
      w.timeout.cancel(false);
    }
    return true;
  }

  private void expire(Waiter w) {
    Batch empty;
    synchronized (lock) {
      if (!remove(w)) {
        return;
      }
      empty = new Batch(List.of(), Math.max(w.after, head));
    }
    complete(w, () -> empty);
  }

  /** The reader's listener: runs on the store's watch thread, one event at a time, in order. */
  private void onEvent(Watch source, WatchEvent event) {
    List<Waiter> woken = new ArrayList<>();
    synchronized (lock) {
      if (source != reader || event.resourceVersion() <= head) {
        return; // a reader that was replaced, or an event seen already
      }
      append(event);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (event.resourceVersion() > w.after && w.filter.matches(event)) {
          woken.add(w);
        }
      }
      for (Waiter w : woken) {
        remove(w);
      }
    }
    // Each woken caller's copy (tenant namespace unprefixed) is made on a request thread.
    for (Waiter w : woken) {
      complete(w, () -> new Batch(List.of(w.filter.visible(event)), event.resourceVersion()));
    }
  }

  private void complete(Waiter w, Supplier<Batch> batch) {
    try {
      replies.execute(() -> w.future.complete(batch.get()));
    } catch (RuntimeException e) {
      // The request threads are gone (the server stops): complete here rather than never.
      w.future.complete(batch.get());
    }
  }

  private void append(WatchEvent event) {
    if (size == ring.length) {
      floor = ring[start].resourceVersion();
      ring[start] = null;
      start = (start + 1) % ring.length;
      size--;
    }
    ring[(start + size) % ring.length] = event;
    size++;
    head = event.resourceVersion();
  }

  private WatchEvent at(int i) {
    return ring[(start + i) % ring.length];
  }

  /** The index of the first event in the window newer than {@code after} ({@code size}: none). */
  private int firstAfter(long after) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (at(mid).resourceVersion() <= after) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Restarts the reader when the store's watch has stopped (it failed, e.g. fell so far behind that
   * its position left the log): the waiters may have missed events, so each gets 410 and lists
   * again, as a watch from a forgotten version does.
   */
  private void checkReader() {
    List<Waiter> failed;
    synchronized (lock) {
      if (closed || reader == null || reader.failure().isEmpty()) {
        return;
      }
      LOG.warn(
          "the watch hub's reader stopped ({}); restarting it",
          reader.failure().get().getMessage());
      failed = new ArrayList<>(waiters);
      failed.forEach(this::remove);
      try {
        restartReader();
      } catch (RuntimeException e) {
        LOG.warn("the watch hub could not restart its reader: {}", e.getMessage());
      }
    }
    GoneException gone =
        new GoneException("the server's event reader restarted; list and watch again");
    for (Waiter w : failed) {
      replies.execute(() -> w.future.completeExceptionally(gone));
    }
  }

  /** Called with the lock held. */
  private void restartReader() {
    if (reader != null) {
      reader.close();
    }
    long now = store.resourceVersion();
    java.util.Arrays.fill(ring, null);
    start = 0;
    size = 0;
    floor = now;
    head = now;
    Watch[] self = new Watch[1];
    // The listener knows its own watch, so that a replaced reader's late events are dropped.
    reader = store.watch(now, e -> onEvent(self[0], e));
    self[0] = reader;
  }

  @Override
  public void close() {
    List<Waiter> left;
    Watch stopping;
    synchronized (lock) {
      closed = true;
      left = new ArrayList<>(waiters);
      left.forEach(this::remove);
      stopping = reader;
      reader = null;
    }
    if (stopping != null) {
      stopping.close();
    }
    timer.shutdownNow();
    ApiException stoppingServer =
        new ApiException(503, "server is shutting down; watch again", null);
    left.forEach(w -> w.future.completeExceptionally(stoppingServer));
  }

  private static Thread timerThread(Runnable r) {
    Thread t = new Thread(r, "gryt-watch-hub-timer");
    t.setDaemon(true);
    return t;
  }

  private static final class Waiter {
    final long after;
    final WatchFilter filter;
    final String caller;
    final CompletableFuture<Batch> future;
    ScheduledFuture<?> timeout;

    Waiter(long after, WatchFilter filter, String caller, CompletableFuture<Batch> future) {
      this.after = after;
      this.filter = filter;
      this.caller = caller;
      this.future = future;
    }
  }
}
