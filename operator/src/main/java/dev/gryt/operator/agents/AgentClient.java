package dev.gryt.operator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.agent.AgentProtocol;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The server's side of the agent protocol ({@link AgentProtocol}) over HTTP: {@code GET /health},
 * {@code POST /runs}, {@code POST /runs/{id}/cancel}. With an {@link SSLContext} holding the
 * server's client certificate it speaks mutual TLS to {@code https://} agents.
 */
public final class AgentClient {
  /** What became of an assignment sent to an agent. */
  public enum Delivery {
    /** 202: the agent runs it. */
    ACCEPTED,
    /** The agent said no (busy, already running, invalid) or was not there: nothing started. */
    REFUSED,
    /** No answer after the request may have arrived: the lease decides. */
    UNKNOWN
  }

  public record Sent(Delivery delivery, String detail) {}

  /**
   * An agent's {@code GET /health}; {@code isolates} is false for an agent that does not say (one
   * older than the rule): it is given only the admin's runs.
   */
  public record Health(
      String status, String version, String runtime, int capacity, int running, boolean isolates) {}

  private final HttpClient http;
  private final Duration timeout;
  private final Map<String, String> bearerTokens;

  /**
   * @param tls the client certificate and trusted CA for https agents; null for plain http only
   */
  public AgentClient(SSLContext tls, Duration timeout) {
    this(tls, timeout, Map.of());
  }

  /**
   * @param bearerTokens the token each agent that has one demands (the in-process agents of {@code
   *     gryt server}), by agent name ({@link AgentRegistry#nameOf}); sent to that agent only
   */
  public AgentClient(SSLContext tls, Duration timeout, Map<String, String> bearerTokens) {
    this.bearerTokens = Map.copyOf(bearerTokens);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
    this.timeout = timeout;
  }

  public Health health(URI agent) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            request(agent, AgentProtocol.HEALTH).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET /health answered HTTP " + response.statusCode());
    }
    JsonNode body = ResourceCodec.json().readTree(response.body());
    return new Health(
        body.path("status").asText(""),
        body.path("version").asText(""),
        body.path("runtime").asText(""),
        body.path("capacity").asInt(0),
        body.path("running").asInt(0),
        body.path("isolates").asBoolean(false));
  }

  public Sent start(URI agent, byte[] assignment) throws InterruptedException {
    HttpRequest request =
        request(agent, AgentProtocol.RUNS)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(assignment))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      int code = response.statusCode();
      if (code == 202 || code == 200 || code == 201) {
        return new Sent(Delivery.ACCEPTED, "HTTP " + code);
      }
      String why =
          switch (code) {
            case 409 -> "the agent already runs this run";
            case 503 -> "the agent is at capacity";
            default -> "the agent answered HTTP " + code;
          };
      return new Sent(code >= 500 && code != 503 ? Delivery.UNKNOWN : Delivery.REFUSED, why);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return new Sent(Delivery.REFUSED, "cannot connect to the agent: " + describe(e));
    } catch (IOException e) {
      return new Sent(Delivery.UNKNOWN, "no answer from the agent: " + describe(e));
    }
  }

  /** Asks an agent to stop a run; true when it answered 2xx (or no longer knows the run). */
  public boolean cancel(URI agent, String runId) throws InterruptedException {
    HttpRequest request =
        request(agent, AgentProtocol.cancelPath(runId))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return code / 100 == 2 || code == 404;
    } catch (IOException e) {
      return false;
    }
  }

  /** A request to {@code path} of {@code agent}, with the agent's token if it has one. */
  private HttpRequest.Builder request(URI agent, String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(agent.resolve(path)).timeout(timeout);
    String token = bearerTokens.get(AgentRegistry.nameOf(agent));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  static String describe(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return "TLS handshake failed ("
            + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
            + "): does --agent-ca hold the CA of the agent's certificate, and the agent's --ca"
            + " the CA of --agent-cert?";
      }
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
