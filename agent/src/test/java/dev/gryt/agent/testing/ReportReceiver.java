package dev.gryt.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A real HTTP server standing in for the gryt server's report endpoint; records every report. */
public final class ReportReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<JsonNode> reports = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);

  public ReportReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/report",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          reports.add(JSON.readTree(body));
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.sendResponseHeaders(status.get(), -1);
          exchange.close();
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/report";
  }

  /** The status every following report is answered with. */
  public void answer(int httpStatus) {
    status.set(httpStatus);
  }

  public List<JsonNode> reports() {
    return List.copyOf(reports);
  }

  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  public List<String> phases() {
    return reports.stream().map(r -> r.path("phase").asText()).toList();
  }

  /** All log text received for {@code step}, in order. */
  public String log(String step) {
    return reports.stream()
        .flatMap(r -> stream(r.path("logs")))
        .filter(l -> l.path("step").asText().equals(step))
        .map(l -> l.path("text").asText())
        .collect(Collectors.joining());
  }

  /** All log text of all steps, in order. */
  public String allLogs() {
    return reports.stream()
        .flatMap(r -> stream(r.path("logs")))
        .map(l -> l.path("text").asText())
        .collect(Collectors.joining());
  }

  public JsonNode last() {
    return reports.get(reports.size() - 1);
  }

  /** Waits for a report matching {@code test}; fails after {@code timeout}. */
  public JsonNode await(Predicate<JsonNode> test, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode report : reports) {
        if (test.test(report)) {
          return report;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching report within " + timeout + "; got " + reports);
  }

  /** Waits for the final report (any phase but Running). */
  public JsonNode awaitFinal(Duration timeout) throws InterruptedException {
    return await(r -> !r.path("phase").asText().equals("Running"), timeout);
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
