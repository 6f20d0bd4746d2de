package dev.gryt.cli.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Sits between the agents and the server on the report path ({@code gryt server --advertise-url}
 * points here) and passes every report through unchanged, keeping a copy: a SIGKILLed agent cannot
 * send its late report, so the test sends the one it last sent, with its real token and attempt.
 */
final class ReportRelay implements AutoCloseable {
  /** One report an agent sent, and what the server answered. */
  record Report(String path, String authorization, byte[] body, int answer) {}

  private final HttpServer http;
  private final URI server;
  private final HttpClient client = HttpClient.newBuilder().build();
  private final Map<String, List<Report>> byRun = new ConcurrentHashMap<>();

  ReportRelay(int serverPort) throws IOException {
    this.server = URI.create("http://127.0.0.1:" + serverPort);
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.createContext("/", this::relay);
    http.start();
  }

  int port() {
    return http.getAddress().getPort();
  }

  /** The reports sent for a run, in order. */
  List<Report> reports(String runId) {
    return byRun.getOrDefault(runId, List.of());
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(server.resolve(path))
              .timeout(Duration.ofSeconds(10))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        forward.header("Content-Type", type);
      }
      if (auth != null) {
        forward.header("Authorization", auth);
      }
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      String[] parts = path.split("/");
      // /api/v1/agent/runs/{id}/report
      if (parts.length == 7) {
        byRun
            .computeIfAbsent(parts[5], k -> new CopyOnWriteArrayList<>())
            .add(new Report(path, auth, body, answer.statusCode()));
      }
      answer
          .headers()
          .firstValue("Content-Type")
          .ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
      exchange.sendResponseHeaders(
          answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      if (answer.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer.body());
        }
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
