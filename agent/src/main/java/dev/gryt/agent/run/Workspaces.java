package dev.gryt.agent.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run workspaces under the agent's work directory. Each is held by a lock on {@code NAME.lock}
 * while its run goes on; the operating system drops the lock when the agent dies, so a workspace
 * whose lock is free is a leftover of a killed agent and can go, even where several agents share
 * one work directory.
 */
final class Workspaces {
  private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);
  private static final String LOCK = ".lock";

  private Workspaces() {}

  /** A held workspace: the directory (made) and its lock, released by {@link #close}. */
  static final class Held implements AutoCloseable {
    final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private Held(Path dir, FileChannel channel, FileLock lock) {
      this.dir = dir;
      this.channel = channel;
      this.lock = lock;
    }

    /** Removes the workspace, then its lock. */
    @Override
    public void close() {
      delete(dir);
      try {
        Files.deleteIfExists(lockFile(dir));
        lock.release();
        channel.close();
      } catch (IOException e) {
        LOG.warn("could not release the lock of workspace {}: {}", dir, e.toString());
      }
    }
  }

  static Held hold(Path dir) throws IOException {
    Files.createDirectories(dir.getParent());
    FileChannel channel =
        FileChannel.open(lockFile(dir), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.lock();
    Files.createDirectories(dir);
    return new Held(dir, channel, lock);
  }

  /** Removes every workspace under {@code workDir} that no live agent holds. */
  static void sweep(Path workDir) {
    List<Path> locks;
    try (Stream<Path> entries = Files.list(workDir)) {
      locks = entries.filter(p -> p.getFileName().toString().endsWith(LOCK)).toList();
    } catch (IOException e) {
      return;
    }
    for (Path lockFile : locks) {
      String name = lockFile.getFileName().toString();
      Path dir = lockFile.resolveSibling(name.substring(0, name.length() - LOCK.length()));
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        FileLock lock = channel.tryLock();
        if (lock == null) {
          continue; // another agent's run
        }
        LOG.info("removing workspace {} left by an agent that stopped", dir);
        delete(dir);
        Files.deleteIfExists(lockFile);
        lock.release();
      } catch (IOException | OverlappingFileLockException e) {
        // held in this JVM, or gone meanwhile
      }
    }
  }

  private static Path lockFile(Path dir) {
    return dir.resolveSibling(dir.getFileName() + LOCK);
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        path.toFile().setWritable(true);
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("could not remove workspace {}: {}", dir, e.toString());
    }
  }
}
