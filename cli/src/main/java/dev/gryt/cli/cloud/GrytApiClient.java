package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.cli.CliException;
import dev.gryt.cli.ProblemsException;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Talks to the {@code /api/v1} API of a gryt server. Every call returns the reply's {@code data} or
 * throws: {@link ProblemsException} for rejected manifests (422), {@link CliException} for anything
 * else, with a one-line message.
 */
public final class GrytApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI server;
  private final HttpClient http;
  private final RequestDecorator decorator;

  /** The environment variable naming a PEM file of CAs to trust for an https server. */
  public static final String CA_FILE_ENV = "GRYT_CA_FILE";

  public GrytApiClient(URI server, RequestDecorator decorator) {
    this(server, decorator, null);
  }

  /**
   * @param trust the TLS context for an https server; null for the JVM's trust store, or the CAs of
   *     {@value #CA_FILE_ENV} when it is set
   */
  public GrytApiClient(URI server, RequestDecorator decorator, SSLContext trust) {
    this.server = server;
    this.decorator = decorator;
    this.http = newHttpClient(server, trust);
  }

  /**
   * For plain http, skips the default TLS setup: building it loads the trust store and a few
   * hundred classes, a large share of a short command's startup.
   */
  private static HttpClient newHttpClient(URI server, SSLContext trust) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    String caFile = System.getenv(CA_FILE_ENV);
    if (trust != null) {
      builder.sslContext(trust);
    } else if ("https".equals(server.getScheme()) && caFile != null && !caFile.isBlank()) {
      try {
        builder.sslContext(
            dev.gryt.tls.PemTls.clientContext(java.nio.file.Path.of(caFile), null, null));
      } catch (java.io.IOException e) {
        throw new dev.gryt.cli.CliException(
            "cannot read " + CA_FILE_ENV + "=" + caFile + ": " + e.getMessage(), e);
      }
    } else if ("http".equals(server.getScheme())) {
      try {
        builder.sslContext(SSLContext.getInstance("TLS")).sslParameters(new SSLParameters());
      } catch (NoSuchAlgorithmException e) {
        // every JDK has TLS; fall back to the default context if not
      }
    }
    return builder.build();
  }

  public URI server() {
    return server;
  }

  /**
   * {@code POST /api/v1/apply}.
   *
   * @param applyset null unless pruning
   */
  public JsonNode apply(String yaml, boolean dryRun, String applyset) {
    Map<String, String> query = new LinkedHashMap<>();
    if (dryRun) {
      query.put("dryRun", "true");
    }
    if (applyset != null) {
      query.put("prune", "true");
      query.put("applyset", applyset);
    }
    ObjectNode body = ResourceCodec.json().createObjectNode().put("yaml_content", yaml);
    return send("POST", "/api/v1/apply" + queryString(query), ResourceCodec.toJsonBytes(body));
  }

  /** {@code GET /api/v1/{path}}. */
  public JsonNode get(String path) {
    return send("GET", "/api/v1/" + path, new byte[0]);
  }

  /** {@code GET /api/v1/{kind}}, optionally with a query such as {@code job=NAME}. */
  public JsonNode list(ResourceKind kind, Map<String, String> query) {
    // Follows next_offset through every page, so callers see the whole list as one reply.
    ObjectNode first = (ObjectNode) get(kind.apiPath() + queryString(query));
    JsonNode next = first.path("next_offset");
    var items = first.withArray("items");
    while (next.isIntegralNumber()) {
      Map<String, String> paged = new LinkedHashMap<>(query);
      paged.put("offset", next.asText());
      JsonNode page = get(kind.apiPath() + queryString(paged));
      page.path("items").forEach(items::add);
      next = page.path("next_offset");
    }
    first.remove("next_offset");
    return first;
  }

  /** {@code GET /api/v1/{kind}/{nameOrId}}; a 404 says which resource is missing. */
  public JsonNode get(ResourceKind kind, String nameOrId) {
    return named(kind, nameOrId, () -> get(kind.apiPath() + "/" + segment(nameOrId)));
  }

  /**
   * {@code POST /api/v1/{kind}/{nameOrId}/{action}}, such as a job's {@code run} or a run's {@code
   * cancel}; a 404 says which resource is missing.
   */
  public JsonNode act(ResourceKind kind, String nameOrId, String action) {
    return named(
        kind,
        nameOrId,
        () ->
            send(
                "POST",
                "/api/v1/" + kind.apiPath() + "/" + segment(nameOrId) + "/" + action,
                new byte[0]));
  }

  /** Replaces the server's 404 message with the name the person typed and the kind they meant. */
  private static JsonNode named(ResourceKind kind, String nameOrId, Supplier<JsonNode> call) {
    try {
      return call.get();
    } catch (ApiReplyException e) {
      if (e.notFound()) {
        throw new ApiReplyException(404, Kinds.noun(kind) + " " + nameOrId + " not found");
      }
      throw e;
    }
  }

  /**
   * {@code GET /api/v1/runs/{ref}/logs}: the run's log chunks after {@code after}; with {@code
   * follow}, waits up to 25 s for more while the run is unfinished.
   */
  public JsonNode runLogs(String run, long after, boolean follow) {
    return runLogs(run, after, follow ? 25 : 0);
  }

  /**
   * {@code GET /api/v1/runs/{ref}/logs}: the run's log chunks after {@code after}; with {@code
   * waitSeconds} above 0, waits up to that long for more while the run is unfinished.
   */
  public JsonNode runLogs(String run, long after, int waitSeconds) {
    String query =
        "?after=" + after + (waitSeconds > 0 ? "&follow=true&timeout_seconds=" + waitSeconds : "");
    return named(
        ResourceKind.JOB_RUN,
        run,
        () -> get(ResourceKind.JOB_RUN.apiPath() + "/" + segment(run) + "/logs" + query));
  }

  /**
   * {@code GET /api/v1/watch}: the changes to the given kinds after {@code resourceVersion},
   * waiting up to {@code timeoutSeconds} for the first. Throws an {@link ApiReplyException} that is
   * {@link ApiReplyException#gone() gone} when the server no longer has that version's events.
   */
  public JsonNode watch(long resourceVersion, ResourceKind kind, int timeoutSeconds) {
    return send(
        "GET",
        "/api/v1/watch?after="
            + resourceVersion
            + "&kind="
            + kind.apiPath()
            + "&timeout_seconds="
            + timeoutSeconds,
        new byte[0]);
  }

  /** The store's current resource version, from {@code GET /healthz}. */
  public long resourceVersion() {
    return send("GET", "/healthz", new byte[0]).path("resource_version").asLong();
  }

  /** {@code POST /api/v1/{path}} with a JSON body. */
  public JsonNode post(String path, Object body) {
    return send(
        "POST", "/api/v1/" + path, body == null ? new byte[0] : ResourceCodec.toJsonBytes(body));
  }

  /** {@code PATCH /api/v1/{path}} with a JSON body. */
  public JsonNode patch(String path, JsonNode body) {
    return send("PATCH", "/api/v1/" + path, ResourceCodec.toJsonBytes(body));
  }

  /** {@code DELETE /api/v1/{path}}. */
  public JsonNode delete(String path) {
    return send("DELETE", "/api/v1/" + path, new byte[0]);
  }

  /** Encodes one path segment, such as a name typed by a person. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String pathAndQuery, byte[] body) {
    URI uri = URI.create(server.toString() + pathAndQuery);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body.length > 0) {
      builder.header("Content-Type", "application/json");
    }
    HttpRequest request = decorator.decorate(builder, method, pathAndQuery, body).build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw unreachable("connection refused", e);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("connection timed out", e);
    } catch (HttpTimeoutException e) {
      throw new CliException(
          "gryt server at "
              + server
              + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + "s",
          e);
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted", e);
    }
    return dataOf(response.statusCode(), response.body());
  }

  private CliException unreachable(String why, Exception cause) {
    return new CliException(
        "cannot reach gryt server at " + server + ": " + why + " (start one with: gryt server)",
        cause);
  }

  /** The {@code data} of a success reply; throws what an error reply means. */
  JsonNode dataOf(int status, byte[] body) {
    JsonNode reply = parseReply(status, body);
    if (status >= 200 && status < 300 && "success".equals(reply.path("status").asText())) {
      return reply.path("data");
    }
    String message = reply.path("message").asText("");
    JsonNode detail = reply.path("detail");
    if (status == 422 && detail.isArray() && !detail.isEmpty()) {
      throw new ProblemsException(problemLines(detail));
    }
    if (message.isBlank()) {
      message = "server replied HTTP " + status;
    }
    if (status == 401) {
      message += " (log in with: gryt cloud login)";
    }
    throw new ApiReplyException(status, message);
  }

  private JsonNode parseReply(int status, byte[] body) {
    try {
      JsonNode reply = ResourceCodec.json().readTree(body);
      if (reply != null && reply.isObject()) {
        return reply;
      }
    } catch (IOException e) {
      // not JSON: reported below
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    throw new CliException(
        "unexpected reply from "
            + server
            + " (HTTP "
            + status
            + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse(""))
            + "); is this a gryt server?");
  }

  private static List<String> problemLines(JsonNode detail) {
    List<String> lines = new ArrayList<>();
    for (JsonNode problem : detail) {
      StringBuilder line = new StringBuilder(problem.path("source").asText("<request>"));
      int lineNumber = problem.path("line").asInt(0);
      if (lineNumber > 0) {
        line.append(':').append(lineNumber);
      }
      line.append(": ");
      String path = problem.path("path").asText("");
      if (!path.isEmpty()) {
        line.append(path).append(": ");
      }
      lines.add(line.append(problem.path("message").asText("invalid")).toString());
    }
    return lines;
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    return query.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&", "?", ""));
  }
}
