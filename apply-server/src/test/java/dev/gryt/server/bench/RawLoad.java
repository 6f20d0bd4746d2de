package dev.gryt.server.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A lean HTTP/1.1 load generator: one kept-alive socket per client, requests written as prepared
 * bytes, replies parsed just enough to find their end. The JDK's HttpClient spent more CPU than the
 * server it measured, on the same two cores (its selector thread and per-request futures), so the
 * figures measured its cost as much as the server's.
 *
 * <p>Two ways to load:
 *
 * <ul>
 *   <li>closed loop: each client sends its next request as soon as the previous reply is in. This
 *       finds the most the server serves; latency then is whatever queueing 50 clients cause
 *       (Little's law: 50 clients at R req/s wait 50/R s on average).
 *   <li>fixed rate: the clients together send R requests per second on a schedule, each latency
 *       measured from when its request was due (not when it was sent), so a stalled server is not
 *       hidden by clients that stop sending (coordinated omission).
 * </ul>
 */
final class RawLoad {
  /** One request, ready to write. */
  interface RequestFactory {
    byte[] next();
  }

  record Result(double perSecond, double p50, double p99, double max, long errors, String mode) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,6.0f req/s, p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms, %d unexpected (%s)",
          perSecond,
          p50,
          p99,
          max,
          errors,
          mode);
    }
  }

  private RawLoad() {}

  /**
   * Loads {@code port} on loopback from {@code clients} connections for {@code warmup} then {@code
   * measure}; {@code ratePerSecond} 0 is the closed loop.
   */
  static Result run(
      int port,
      int clients,
      double ratePerSecond,
      Duration warmup,
      Duration measure,
      RequestFactory requests,
      int expectedStatus)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long warmEnd = start + warmup.toNanos();
    long end = warmEnd + measure.toNanos();
    // Each client's interval between due times; client c starts at an offset so the clients'
    // requests interleave evenly.
    long interval = ratePerSecond <= 0 ? 0 : (long) (clients * 1e9 / ratePerSecond);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long firstDue = start + (interval == 0 ? 0 : interval * c / clients);
      futures.add(
          pool.submit(
              () -> {
                long[] samples = new long[1 << 14];
                int n = 0;
                try (Connection conn = new Connection(port)) {
                  long due = firstDue;
                  while (true) {
                    long now = System.nanoTime();
                    if (interval > 0) {
                      if (due >= end) {
                        break;
                      }
                      if (due > now) {
                        LockSupport.parkNanos(due - now);
                      }
                    } else {
                      if (now >= end) {
                        break;
                      }
                      due = now;
                    }
                    int status = conn.exchange(requests.next());
                    long done = System.nanoTime();
                    if (due >= warmEnd) {
                      if (status != expectedStatus) {
                        errors.incrementAndGet();
                      }
                      if (n == samples.length) {
                        samples = Arrays.copyOf(samples, n * 2);
                      }
                      samples[n++] = done - due;
                    }
                    due += interval;
                  }
                }
                return Arrays.copyOf(samples, n);
              }));
    }
    long[] all = new long[0];
    try {
      for (Future<long[]> f : futures) {
        long[] part = f.get();
        long[] merged = Arrays.copyOf(all, all.length + part.length);
        System.arraycopy(part, 0, merged, all.length, part.length);
        all = merged;
      }
    } finally {
      // Also when a client failed (a server that stopped answering): its threads must not keep
      // the benchmark's JVM alive.
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    Arrays.sort(all);
    double seconds = measure.toNanos() / 1e9;
    String mode =
        interval == 0
            ? clients + " clients, closed loop"
            : String.format(Locale.ROOT, "%d clients, fixed rate %,.0f/s", clients, ratePerSecond);
    return new Result(
        all.length / seconds,
        percentile(all, 0.50),
        percentile(all, 0.99),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6,
        errors.get(),
        mode);
  }

  private static double percentile(long[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, sorted.length * p)] / 1e6;
  }

  static final int READ_TIMEOUT_MILLIS = 120_000;

  /** A kept-alive HTTP/1.1 connection that sends a request and reads its whole reply. */
  static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Connection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      // A server that never answers (one starved of threads) fails the load instead of hanging it.
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    /** Writes {@code request}, reads the reply through its body; returns its status code. */
    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        String name = h.substring(0, colon).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(h.substring(colon + 1).trim());
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = h.substring(colon + 1).trim().equalsIgnoreCase("chunked");
        }
      }
      if (chunked) {
        while (true) {
          long size = Long.parseLong(line().trim(), 16);
          skip(size);
          line();
          if (size == 0) {
            break;
          }
        }
      } else if (length > 0) {
        skip(length);
      }
      return status;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long skipped = in.skip(n);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new IOException("connection closed mid-reply");
          }
          skipped = 1;
        }
        n -= skipped;
      }
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("connection closed mid-reply");
        }
        if (c == '\n') {
          int len = b.length();
          if (len > 0 && b.charAt(len - 1) == '\r') {
            b.setLength(len - 1);
          }
          return b.toString();
        }
        b.append((char) c);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** The bytes of one HTTP/1.1 request. */
  static byte[] request(String method, String pathAndQuery, List<String> headers, byte[] body) {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    if (body.length > 0 || !method.equals("GET")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }
}
