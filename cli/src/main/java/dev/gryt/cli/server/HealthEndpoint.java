package dev.gryt.cli.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The operator's probe endpoint for the kubelet: {@code GET /healthz} answers 200 while the process
 * serves (liveness), {@code GET /readyz} 200 while its informers are healthy, else 503. The JDK's
 * own HTTP server: the operator needs nothing more for two fixed answers.
 */
final class HealthEndpoint implements AutoCloseable {
  private final HttpServer server;

  private HealthEndpoint(HttpServer server) {
    this.server = server;
  }

  static HealthEndpoint start(int port, BooleanSupplier ready) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> answer(exchange, true));
    server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean()));
    server.start();
    return new HealthEndpoint(server);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, boolean ok) throws IOException {
    byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
