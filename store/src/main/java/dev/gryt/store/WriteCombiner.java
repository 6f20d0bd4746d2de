package dev.gryt.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Lets concurrent writers share transactions (flat combining). Every write of a store takes the
 * one-row resourceVersion counter's lock and holds it through its commit, so writes go one at a
 * time and each pays a whole commit (a WAL flush on PostgreSQL): with fifty webhook deliveries at
 * once, the server spent its time waiting on flushes, one after another, at about 250 writes a
 * second.
 *
 * <p>Here a writer queues its work; whoever finds no batch running becomes the leader, takes up to
 * {@code maxBatch} queued works (its own among them, or it leads again) and runs them through the
 * runner, which commits them together; the others sleep until their work is done. With one writer
 * at a time every batch holds one work and nothing changes; under load each commit carries many.
 *
 * <p>Each writer sleeps on a condition of its own: a finished batch wakes its writers and the
 * writer first in line (the next leader), no one else. Waking every waiting writer after every
 * batch cost more system time than the writes.
 *
 * @param <E> a queued work; the runner must give every entry its result or failure
 */
final class WriteCombiner<E extends WriteCombiner.Entry> {
  /** A unit of queued work, done once a batch that held it has run. */
  abstract static class Entry {
    boolean done;
    Condition wake;
  }

  private final int maxBatch;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<E> queued = new ArrayDeque<>();
  private boolean running;

  WriteCombiner(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /**
   * Returns once {@code entry} has been run by {@code runner}, in a batch led by this thread or
   * another. A failure of the runner itself ({@code Error} or an unexpected exception) still marks
   * the entries it was given done, and propagates to the leader.
   */
  void submit(E entry, Consumer<List<E>> runner) {
    boolean interrupted = false;
    lock.lock();
    try {
      entry.wake = lock.newCondition();
      queued.add(entry);
      while (!entry.done) {
        if (running) {
          try {
            entry.wake.await();
          } catch (InterruptedException e) {
            // The work is queued and may already be running: it must be seen through.
            interrupted = true;
          }
          continue;
        }
        running = true;
        List<E> batch = new ArrayList<>(Math.min(maxBatch, queued.size()));
        while (batch.size() < maxBatch && !queued.isEmpty()) {
          batch.add(queued.poll());
        }
        lock.unlock();
        try {
          runner.accept(batch);
        } finally {
          lock.lock();
          running = false;
          for (E done : batch) {
            done.done = true;
            done.wake.signal();
          }
          if (!queued.isEmpty()) {
            queued.peek().wake.signal();
          }
        }
      }
    } finally {
      lock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
