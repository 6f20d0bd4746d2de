package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pinned proxy against a real HTTP server on loopback standing for a public host whose name
 * does not resolve at all: a request that arrives proves the client never resolved the name and
 * reached the checked address only.
 */
class PinnedProxyTest {
  static final String HOST = "repo.gryt-pinned.invalid";
  HttpServer origin;
  final AtomicReference<String> hostHeader = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.createContext(
        "/",
        exchange -> {
          hostHeader.set(exchange.getRequestHeaders().getFirst("Host"));
          byte[] body = ("hello " + exchange.getRequestURI().getPath()).getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    origin.start();
  }

  @AfterEach
  void stop() {
    origin.stop(0);
  }

  int port() {
    return origin.getAddress().getPort();
  }

  @Test
  void httpGoesToTheCheckedAddressWithTheHostsName() throws Exception {
    try (PinnedProxy pin =
        PinnedProxy.open(HOST, port(), List.of(InetAddress.getLoopbackAddress()))) {
      HttpURLConnection c =
          (HttpURLConnection)
              new URL("http://" + HOST + ":" + port() + "/info/refs").openConnection(pin.proxy());
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(new String(c.getInputStream().readAllBytes())).isEqualTo("hello /info/refs");
      assertThat(hostHeader.get()).isEqualTo(HOST + ":" + port());
    }
  }

  @Test
  void anyOtherTargetIsRefused() throws Exception {
    try (PinnedProxy pin =
        PinnedProxy.open(HOST, port(), List.of(InetAddress.getLoopbackAddress()))) {
      for (String url :
          List.of(
              "http://127.0.0.1:" + port() + "/",
              "http://other.invalid:" + port() + "/",
              "http://" + HOST + ":" + (port() + 1) + "/")) {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection(pin.proxy());
        assertThat(c.getResponseCode()).as(url).isEqualTo(403);
      }
      assertThat(hostHeader.get()).isNull();
    }
  }

  @Test
  void connectTunnelsToTheCheckedAddress() throws Exception {
    try (PinnedProxy pin =
            PinnedProxy.open(HOST, port(), List.of(InetAddress.getLoopbackAddress()));
        Socket s = new Socket()) {
      s.connect(pin.proxy().address());
      OutputStream out = s.getOutputStream();
      out.write(
          ("CONNECT " + HOST + ":" + port() + " HTTP/1.1\r\nHost: x\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(
          ("GET /tunnelled HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all)
          .startsWith("HTTP/1.1 200 Connection established")
          .endsWith("hello /tunnelled");
    }
  }
}
