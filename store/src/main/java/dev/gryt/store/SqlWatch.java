package dev.gryt.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over {@link SqlResourceStore}'s event log: one daemon thread reads events after its
 * position, hands them to the listener in order, then sleeps until the store commits (or, for
 * writes by other processes, until the poll interval passes).
 */
final class SqlWatch implements Watch {
  private static final Logger log = LoggerFactory.getLogger(SqlWatch.class);
  private static final int PAGE_SIZE = 500;

  /**
   * The least time between two reads of the event log. A watch woke and read after every commit: at
   * a thousand commits a second (webhook runs and their statuses), each watch read a thousand times
   * a second, mostly one event at a time. Waiting this long gathers them, at the cost of as much
   * delay to the first event after a quiet spell.
   */
  static final long MIN_READ_INTERVAL_NANOS = 5_000_000;

  private final SqlResourceStore store;
  private final CommitSignal commitSignal;
  private final Duration pollInterval;
  private final Consumer<WatchEvent> listener;
  private final Thread thread;
  private volatile long position;
  private volatile boolean closed;
  private volatile RuntimeException failure;

  SqlWatch(
      SqlResourceStore store,
      CommitSignal commitSignal,
      Duration pollInterval,
      long afterResourceVersion,
      Consumer<WatchEvent> listener) {
    this.store = store;
    this.commitSignal = commitSignal;
    this.pollInterval = pollInterval;
    this.position = afterResourceVersion;
    this.listener = listener;
    this.thread = new Thread(this::run, "gryt-watch-from-" + afterResourceVersion);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long lastRead = System.nanoTime() - MIN_READ_INTERVAL_NANOS;
    while (!closed) {
      List<WatchEvent> page;
      long sinceLastRead = System.nanoTime() - lastRead;
      if (sinceLastRead < MIN_READ_INTERVAL_NANOS) {
        try {
          Thread.sleep(Duration.ofNanos(MIN_READ_INTERVAL_NANOS - sinceLastRead).toMillis() + 1);
        } catch (InterruptedException e) {
          return;
        }
      }
      lastRead = System.nanoTime();
      try {
        page = store.events(position, PAGE_SIZE);
      } catch (GoneException e) {
        failure = e;
        return;
      } catch (RuntimeException e) {
        if (closed || store.isClosed()) {
          return;
        }
        // A database hiccup: try again after a pause rather than ending the watch.
        log.warn("watch could not read events after {}: {}", position, e.getMessage());
        if (!sleep()) {
          return;
        }
        continue;
      }
      for (WatchEvent event : page) {
        if (closed) {
          return;
        }
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          failure = new StoreException("watch listener failed at " + event.resourceVersion(), e);
          return;
        }
        position = event.resourceVersion();
      }
      if (page.size() < PAGE_SIZE && !sleep()) {
        return;
      }
    }
  }

  /** Waits for the next commit; false when interrupted, which only close() does. */
  private boolean sleep() {
    try {
      commitSignal.awaitCommitAfter(position, pollInterval);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void close() {
    closed = true;
    store.forget(this);
    if (Thread.currentThread() != thread) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
