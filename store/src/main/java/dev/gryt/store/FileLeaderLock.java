package dev.gryt.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock next to a SQLite database: the operating system releases it when the holding
 * process exits, however it exits.
 */
final class FileLeaderLock implements LeaderLock {
  private final Path file;
  private FileChannel channel;
  private FileLock lock;

  FileLeaderLock(Path file) {
    this.file = file;
  }

  @Override
  public synchronized boolean tryAcquire() {
    if (lock != null && lock.isValid()) {
      return true;
    }
    try {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      lock = channel.tryLock();
      return lock != null;
    } catch (OverlappingFileLockException e) {
      // Another store instance in this same JVM leads.
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // closing the channel releases the lock in any case
    } finally {
      lock = null;
      channel = null;
    }
  }
}
