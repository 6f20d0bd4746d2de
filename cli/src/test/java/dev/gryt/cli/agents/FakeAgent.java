package dev.gryt.cli.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An agent that speaks the protocol over real HTTP but runs nothing: the test decides what it
 * reports and when. It can vanish at once, as a SIGKILLed agent does, and still send the late
 * reports a dead agent's last breath might carry.
 */
final class FakeAgent implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final int capacity;

  /** Assignments received, by run id: the latest one of each run. */
  final Map<String, JsonNode> assignments = new ConcurrentHashMap<>();

  final List<String> cancels = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> running = new ConcurrentHashMap<>();

  FakeAgent(int capacity) throws IOException {
    this.capacity = capacity;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", this::health);
    server.createContext("/runs", this::runs);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Gone, like a killed process: no more answers on its port. */
  void vanish() {
    server.stop(0);
  }

  int running() {
    return running.size();
  }

  private void health(HttpExchange ex) throws IOException {
    ObjectNode body =
        ResourceCodec.json()
            .createObjectNode()
            .put("status", "ok")
            .put("version", "test")
            .put("runtime", "fake")
            .put("capacity", capacity)
            .put("running", running.size());
    reply(ex, 200, body.toString());
  }

  private void runs(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (path.endsWith("/cancel")) {
      String id = path.substring("/runs/".length(), path.length() - "/cancel".length());
      cancels.add(id);
      running.remove(id);
      reply(ex, 202, "{}");
      return;
    }
    JsonNode body = ResourceCodec.json().readTree(ex.getRequestBody());
    String id = body.path("run_id").asText();
    synchronized (this) {
      if (running.containsKey(id)) {
        reply(ex, 409, "{}");
        return;
      }
      if (running.size() >= capacity) {
        reply(ex, 503, "{}");
        return;
      }
      running.put(id, true);
    }
    assignments.put(id, body);
    reply(ex, 202, "{}");
  }

  /** Sends a report for the run's latest assignment here; returns the server's HTTP status. */
  int report(String runId, String phase, List<String[]> logs, Integer exitCode) throws Exception {
    return report(assignments.get(runId), phase, logs, exitCode);
  }

  /** Sends a report for a given assignment (possibly an old one); returns the HTTP status. */
  int report(JsonNode assignment, String phase, List<String[]> logs, Integer exitCode)
      throws Exception {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    String runId = assignment.path("run_id").asText();
    body.put("run_id", runId);
    body.put("attempt", assignment.path("attempt").asInt());
    body.put("phase", phase);
    body.put("commit", "0123456789abcdef0123456789abcdef01234567");
    ArrayNode steps = body.putArray("steps");
    for (JsonNode step : assignment.path("pipeline").path("steps")) {
      ObjectNode s = steps.addObject().put("name", step.path("name").asText());
      s.put("state", "Running".equals(phase) ? "Running" : phase);
      if (exitCode != null) {
        s.put("exit_code", exitCode);
      }
    }
    ArrayNode out = body.putArray("logs");
    for (String[] log : logs) {
      out.addObject().put("step", log[0]).put("text", log[1]);
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(assignment.path("report_url").asText()))
                .header("Authorization", "Bearer " + assignment.path("report_token").asText())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (!"Running".equals(phase) || response.statusCode() == 409 || response.statusCode() == 410) {
      running.remove(runId);
    }
    return response.statusCode();
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
