package dev.gryt.store;

import java.time.Duration;

/**
 * Wakes a store's watches right after one of its own commits, so they never poll for in-process
 * writes. Remembers the highest resourceVersion committed so a wake-up cannot be missed between a
 * watch's last read and its wait.
 */
final class CommitSignal {
  private long latestResourceVersion;
  private boolean closed;

  synchronized void committed(long resourceVersion) {
    if (resourceVersion > latestResourceVersion) {
      latestResourceVersion = resourceVersion;
    }
    notifyAll();
  }

  /** Waits until something newer than {@code position} is committed, the timeout, or close. */
  synchronized void awaitCommitAfter(long position, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed && latestResourceVersion <= position) {
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMillis <= 0) {
        return;
      }
      wait(remainingMillis);
    }
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
