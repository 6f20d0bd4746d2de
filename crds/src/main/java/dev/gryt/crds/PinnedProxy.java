package dev.gryt.crds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds an HTTP client's connections to addresses that were checked: an HTTP proxy on loopback, for
 * one client and one target ({@code host:port}), that connects to the checked addresses only and
 * never resolves the name again. A JDK client handed {@link #proxy()} sends {@code CONNECT
 * host:443} for https (TLS then runs end to end through the tunnel, with the host's name for SNI
 * and certificate checks) and absolute-form requests for http (the {@code Host} header stays the
 * host's name); neither resolves the host itself, so what the tenant's DNS answers later (DNS
 * rebinding) is never used. A request for any other target, a redirect to another host included, is
 * answered 403.
 *
 * <p>Lives as long as one probe or checkout; {@link #close()} stops it and every tunnel.
 */
public final class PinnedProxy implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final int MAX_HEAD = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final String host;
  private final int port;
  private final List<InetAddress> addresses;
  private final ServerSocket server;
  private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

  private PinnedProxy(String host, int port, List<InetAddress> addresses) throws IOException {
    this.host = host.toLowerCase(Locale.ROOT);
    this.port = port;
    this.addresses = List.copyOf(addresses);
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    daemon(this::accept).start();
  }

  /**
   * A proxy to {@code host:port} that connects to {@code addresses} (the ones {@link
   * TenantAddresses#check} returned), in order, and to nothing else.
   */
  public static PinnedProxy open(String host, int port, List<InetAddress> addresses)
      throws IOException {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no address to connect to");
    }
    return new PinnedProxy(host, port, addresses);
  }

  /** The proxy to hand to the client. */
  public Proxy proxy() {
    return new Proxy(
        Proxy.Type.HTTP,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        daemon(() -> serve(client)).start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int end = readHead(in, head);
      if (end < 0) {
        return;
      }
      byte[] bytes = head.toByteArray();
      String first = new String(bytes, 0, indexOf(bytes, "\r\n"), StandardCharsets.ISO_8859_1);
      String[] parts = first.split(" ");
      if (parts.length != 3) {
        refuse(out, "400 Bad Request");
        return;
      }
      boolean tunnel = parts[0].equals("CONNECT");
      if (!isTarget(tunnel, parts[1])) {
        refuse(out, "403 Forbidden");
        return;
      }
      Socket upstream = connect();
      if (upstream == null) {
        refuse(out, "502 Bad Gateway");
        return;
      }
      open.add(upstream);
      try (upstream) {
        if (tunnel) {
          out.write(
              "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (bytes.length > end) {
            upstream.getOutputStream().write(bytes, end, bytes.length - end);
          }
        } else {
          // Origin servers accept the absolute form (RFC 9112, 3.2.2); the Host header is the name.
          upstream.getOutputStream().write(bytes);
        }
        upstream.getOutputStream().flush();
        Thread back = daemon(() -> pipe(upstream, client));
        back.start();
        pipe(client, upstream);
        back.join();
      }
    } catch (IOException e) {
      // the client or the server went away: its side sees the connection end
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads the request head; returns the offset just past it, or -1 when there is none. */
  private static int readHead(InputStream in, ByteArrayOutputStream head) throws IOException {
    byte[] buffer = new byte[4096];
    while (head.size() < MAX_HEAD) {
      int n = in.read(buffer);
      if (n < 0) {
        return -1;
      }
      head.write(buffer, 0, n);
      int end = indexOf(head.toByteArray(), "\r\n\r\n");
      if (end >= 0) {
        return end + 4;
      }
    }
    return -1;
  }

  private boolean isTarget(boolean tunnel, String target) {
    String authority;
    int defaultPort;
    if (tunnel) {
      authority = target;
      defaultPort = 443;
    } else {
      String lower = target.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://")) {
        return false;
      }
      String rest = target.substring("http://".length());
      int slash = rest.indexOf('/');
      authority = slash < 0 ? rest : rest.substring(0, slash);
      defaultPort = 80;
    }
    if (authority.contains("@")) {
      return false;
    }
    String h = authority;
    int p = defaultPort;
    int colon = authority.lastIndexOf(':');
    int bracket = authority.lastIndexOf(']');
    if (colon > bracket) {
      h = authority.substring(0, colon);
      try {
        p = Integer.parseInt(authority.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT).equals(host) && p == port;
  }

  private Socket connect() {
    for (InetAddress a : addresses) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(a, port), CONNECT_TIMEOUT_MS);
        return s;
      } catch (IOException e) {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing to close
        }
      }
    }
    return null;
  }

  private static void refuse(OutputStream out, String status) throws IOException {
    out.write(
        ("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  private static int indexOf(byte[] bytes, String what) {
    byte[] w = what.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + w.length <= bytes.length; i++) {
      for (int j = 0; j < w.length; j++) {
        if (bytes[i + j] != w[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "gryt-pinned-proxy-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    open.clear();
  }
}
