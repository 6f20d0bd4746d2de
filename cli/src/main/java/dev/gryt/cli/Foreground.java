package dev.gryt.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started service run in the foreground until Ctrl-C: SIGTERM or Ctrl-C runs {@code stop} (a JVM
 * shutdown hook), and so does an interrupt of the waiting thread (an embedding caller, such as a
 * test, stopping the command). Either way {@code stop} runs once.
 */
public final class Foreground {
  private final Runnable stop;
  private final Thread hook;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private Foreground(String name, Runnable stop) {
    this.stop = stop;
    this.hook = new Thread(this::stop, name + "-shutdown");
  }

  /**
   * Makes Ctrl-C run {@code stop} from now on; call it as soon as the service runs, before telling
   * the user it does.
   *
   * @param name the service's thread-name prefix ({@code gryt-server})
   */
  public static Foreground stopOnExit(String name, Runnable stop) {
    Foreground foreground = new Foreground(name, stop);
    Runtime.getRuntime().addShutdownHook(foreground.hook);
    return foreground;
  }

  /** Blocks until Ctrl-C has stopped the service, or stops it when this thread is interrupted. */
  public void await() throws InterruptedException {
    try {
      stopped.await();
    } finally {
      stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
  }

  private void stop() {
    if (closed.compareAndSet(false, true)) {
      try {
        stop.run();
      } finally {
        stopped.countDown();
      }
    }
  }
}
