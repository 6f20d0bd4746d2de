package dev.gryt.agent.run;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
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

  /**
   * Removes {@code dir} and everything in it without ever following a symbolic link: a step may
   * leave links to host files in its workspace, and the agent (root, often) must not touch what
   * they point to. Only directories get their mode changed (a step may have taken its own
   * permissions away), and only through the link-refusing call; deleting a link removes the link.
   */
  static void delete(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attrs)
                throws IOException {
              openUp(path);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path path, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(path);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path path, IOException e) throws IOException {
              Files.deleteIfExists(path);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path path, IOException e) throws IOException {
              Files.deleteIfExists(path);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not remove workspace {}: {}", dir, e.toString());
    }
  }

  /**
   * Gives the owner rwx on a directory the walk is about to list, when it lacks them (root needs
   * none). The attribute view with NOFOLLOW_LINKS refuses a link instead of changing its target.
   */
  private static void openUp(Path directory) throws IOException {
    if (Files.isReadable(directory)
        && Files.isWritable(directory)
        && Files.isExecutable(directory)) {
      return;
    }
    PosixFileAttributeView view =
        Files.getFileAttributeView(
            directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    permissions.addAll(
        Set.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
    try {
      view.setPermissions(permissions);
    } catch (AccessDeniedException e) {
      // The link-refusing call opens the directory first, which its own mode forbids; it is a
      // directory (the walk saw it as one and never follows links), and the step that could swap
      // it for a link is gone, so change it by name.
      File file = directory.toFile();
      file.setReadable(true, true);
      file.setWritable(true, true);
      file.setExecutable(true, true);
    }
  }
}
