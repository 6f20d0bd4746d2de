package dev.gryt.operator.loop;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A queue of keys to reconcile, as client-go's workqueue: a key queued many times before it is
 * taken is processed once; a key queued while being processed is processed again afterwards, never
 * by two workers at once; failed keys come back after an exponential backoff with a cap.
 *
 * @param <K> key type
 */
public final class WorkQueue<K> {
  /**
   * The longest a taker sleeps without looking at the clock: delays are measured on the injected
   * clock, which may move faster than the wall clock (a test's), so a sleep computed from it is
   * only an upper bound.
   */
  private static final long MAX_SLEEP_MILLIS = 1_000;

  private final Clock clock;
  private final Duration baseDelay;
  private final Duration maxDelay;

  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Set<K> dirty = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final PriorityQueue<Delayed<K>> delayed =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueMillis, b.dueMillis));
  private boolean shutDown;

  private record Delayed<K>(K key, long dueMillis) {}

  public WorkQueue(Clock clock, Duration baseDelay, Duration maxDelay) {
    this.clock = clock;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** Queues a key now. */
  public synchronized void add(K key) {
    if (shutDown) {
      return;
    }
    if (processing.contains(key)) {
      dirty.add(key);
      return;
    }
    if (ready.add(key)) {
      notifyAll();
    }
  }

  /** Queues a key after a delay (a requeue the reconciler asked for). */
  public synchronized void addAfter(K key, Duration delay) {
    if (shutDown) {
      return;
    }
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    delayed.add(new Delayed<>(key, clock.millis() + delay.toMillis()));
    notifyAll();
  }

  /** Queues a key after its next backoff delay (doubling per consecutive failure, capped). */
  public synchronized Duration addRateLimited(K key) {
    int n = failures.merge(key, 1, Integer::sum);
    long ms = baseDelay.toMillis() << Math.min(n - 1, 30);
    Duration delay = Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    addAfter(key, delay);
    return delay;
  }

  /** Clears a key's failure count after it succeeded. */
  public synchronized void forget(K key) {
    failures.remove(key);
  }

  public synchronized int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  /**
   * Takes the next key, blocking until one is due; empty once the queue is shut down. The caller
   * must call {@link #done} when finished with it.
   */
  public synchronized Optional<K> take() throws InterruptedException {
    while (true) {
      if (shutDown) {
        return Optional.empty();
      }
      long now = clock.millis();
      while (!delayed.isEmpty() && delayed.peek().dueMillis <= now) {
        K key = delayed.poll().key;
        if (processing.contains(key)) {
          dirty.add(key);
        } else {
          ready.add(key);
        }
      }
      var it = ready.iterator();
      if (it.hasNext()) {
        K key = it.next();
        it.remove();
        processing.add(key);
        return Optional.of(key);
      }
      long wait =
          delayed.isEmpty()
              ? 0
              : Math.min(MAX_SLEEP_MILLIS, Math.max(1, delayed.peek().dueMillis - now));
      wait(wait);
    }
  }

  /** Marks a key as processed; if it was queued meanwhile, it becomes ready again. */
  public synchronized void done(K key) {
    processing.remove(key);
    if (dirty.remove(key)) {
      ready.add(key);
      notifyAll();
    }
  }

  public synchronized int size() {
    return ready.size();
  }

  /** True when nothing is ready, being processed, or waiting on a delay. */
  public synchronized boolean idle() {
    return ready.isEmpty() && processing.isEmpty() && delayed.isEmpty();
  }

  public synchronized void shutDown() {
    shutDown = true;
    notifyAll();
  }
}
