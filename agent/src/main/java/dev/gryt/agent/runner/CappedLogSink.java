package dev.gryt.agent.runner;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Passes lines on until {@code maxBytes} (UTF-8, counting a newline per line) have gone through,
 * then one truncation marker, then nothing. One per step: the cap is per step.
 */
public final class CappedLogSink implements LogSink {
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

  private final LogSink next;
  private final long maxBytes;
  private long written;
  private long dropped;
  private boolean truncated;

  public CappedLogSink(LogSink next, long maxBytes) {
    this.next = Objects.requireNonNull(next);
    this.maxBytes = maxBytes;
  }

  /** The marker written once when the cap is reached. */
  public static String marker(long maxBytes) {
    return "[gryt] log truncated: this step wrote more than " + maxBytes + " bytes";
  }

  @Override
  public synchronized void line(String line) {
    if (truncated) {
      dropped++;
      return;
    }
    long size = line.getBytes(StandardCharsets.UTF_8).length + 1L;
    if (written + size > maxBytes) {
      truncated = true;
      dropped++;
      next.line(marker(maxBytes));
      return;
    }
    written += size;
    next.line(line);
  }

  public synchronized boolean truncated() {
    return truncated;
  }

  public synchronized long droppedLines() {
    return dropped;
  }
}
