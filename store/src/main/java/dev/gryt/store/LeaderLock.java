package dev.gryt.store;

/**
 * Leadership among the processes sharing one store: at most one holds a given lock at a time, and a
 * holder that dies loses it at once (its database session or file handle goes with it), so a
 * standby takes over on its next {@link #tryAcquire()}.
 */
public interface LeaderLock extends AutoCloseable {
  /**
   * Becomes the leader if no one is, or checks that this process still is. Cheap enough to call
   * every second.
   *
   * @return true while this process holds the lock
   */
  boolean tryAcquire();

  /** Gives leadership up. */
  @Override
  void close();
}
