package dev.gryt.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
 * @param <E> a queued work; the runner must {@link Entry#complete complete} every entry it gets
 */
final class WriteCombiner<E extends WriteCombiner.Entry> {
  /** A unit of queued work: done once completed (with a result or a failure) by the runner. */
  abstract static class Entry {
    private boolean done;

    /** Marks this work finished; called by the runner (under no lock). */
    final void complete() {
      synchronized (this) {
        done = true;
      }
    }

    final synchronized boolean isDone() {
      return done;
    }
  }

  private final int maxBatch;
  private final ArrayDeque<E> queued = new ArrayDeque<>();
  private boolean running;

  WriteCombiner(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /**
   * Returns once {@code entry} has been run by {@code runner}, in a batch led by this thread or
   * another. A failure of the runner itself ({@code Error} or an unexpected exception) completes
   * the entries it was given and propagates to the leader.
   */
  void submit(E entry, Consumer<List<E>> runner) {
    synchronized (this) {
      queued.add(entry);
    }
    boolean interrupted = false;
    try {
      while (true) {
        List<E> batch;
        synchronized (this) {
          while (running && !entry.isDone()) {
            try {
              wait();
            } catch (InterruptedException e) {
              // The work is queued and may already be running: it must be seen through.
              interrupted = true;
            }
          }
          if (entry.isDone()) {
            return;
          }
          running = true;
          batch = new ArrayList<>(Math.min(maxBatch, queued.size()));
          while (batch.size() < maxBatch && !queued.isEmpty()) {
            batch.add(queued.poll());
          }
        }
        try {
          runner.accept(batch);
        } finally {
          batch.forEach(Entry::complete);
          synchronized (this) {
            running = false;
            notifyAll();
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
