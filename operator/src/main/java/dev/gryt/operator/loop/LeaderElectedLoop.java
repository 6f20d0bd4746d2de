package dev.gryt.operator.loop;

import dev.gryt.store.LeaderLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ControlLoop} only while this process leads: several {@code gryt server}s on one
 * database never reconcile the same resource at once. Standbys ask once per {@code retry}, so when
 * the leader dies (and its lock with it) one of them takes over within that period.
 */
public final class LeaderElectedLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElectedLoop.class);

  private final LeaderLock lock;
  private final Supplier<ControlLoop> loops;
  private final Duration retry;
  private final Thread thread;
  private volatile boolean running = true;
  // Volatile so that a health check reads it without waiting for a loop that is starting.
  private volatile ControlLoop loop;

  public LeaderElectedLoop(LeaderLock lock, Supplier<ControlLoop> loops, Duration retry) {
    this.lock = lock;
    this.loops = loops;
    this.retry = retry;
    this.thread = new Thread(this::run, "gryt-leader-election");
    this.thread.setDaemon(true);
  }

  public LeaderElectedLoop start() {
    thread.start();
    return this;
  }

  /** The loop while this process leads, else null. */
  public synchronized ControlLoop current() {
    return loop;
  }

  /**
   * The threads that must live and have died: the election's own (a standby that no longer asks
   * would never take over), and the control loop's while this process leads. A standby with its
   * election alive is healthy.
   */
  public List<String> deadThreads() {
    List<String> dead = new ArrayList<>();
    if (running && thread.getState() != Thread.State.NEW && !thread.isAlive()) {
      dead.add(thread.getName());
    }
    ControlLoop current = loop;
    if (current != null) {
      dead.addAll(current.deadThreads());
    }
    return dead;
  }

  private void run() {
    while (running) {
      boolean leading = lock.tryAcquire();
      synchronized (this) {
        if (!running) {
          break;
        }
        if (leading && loop == null) {
          LOG.info("leading: starting the control loop");
          loop = loops.get();
          loop.start();
        } else if (!leading && loop != null) {
          LOG.warn("lost leadership: stopping the control loop");
          loop.close();
          loop = null;
        }
      }
      try {
        Thread.sleep(retry.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (loop != null) {
        loop.close();
        loop = null;
      }
    }
    lock.close();
  }
}
