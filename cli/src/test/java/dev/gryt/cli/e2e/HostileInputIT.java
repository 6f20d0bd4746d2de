package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.manifest.BadManifestCorpus;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Attack 3 of issue 13, played by a signed-up tenant against a real {@code gryt server} process on
 * SQLite: YAML whose aliases expand 37 KB into 33 MB, an object over the size limit, a body over
 * the request limit. Each is refused with a 4xx that says why, nothing is stored, and the server
 * stays healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Path dir;
  private Process server;
  private int port;
  private String tenant;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-hostile-input-");
    Gryt gryt = new Gryt(dir.resolve("home"), Files.createDirectories(dir.resolve("work")));
    port = Gryt.freePort();
    Path log = dir.resolve("server.log");
    server =
        gryt.start(
            log,
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("server.db"),
            "--agents",
            "0");
    Gryt.awaitUp(server, log, url("/healthz"), Duration.ofSeconds(180));
    String account = "{\"username\":\"mallory\",\"password\":\"correct horse battery 42\"}";
    assertThat(send("POST", "/api/v1/accounts/create", account, Map.of()).statusCode())
        .isEqualTo(201);
    tenant =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    "mallory:correct horse battery 42".getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  void stop() {
    Gryt.stop(server);
  }

  @Test
  void aScalarAliasBombIsRefusedAndNothingIsStored() throws Exception {
    long before = resourceVersion();
    String bomb = BadManifestCorpus.scalarAliasBomb();
    assertThat(bomb.length()).isLessThan(70 * 1024);

    HttpResponse<String> reply = apply(bomb);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(422);
    assertThat(reply.body()).contains("aliases expand this document past 512 KiB");
    assertThat(list("/api/v1/webhooks")).isEmpty();
    assertThat(resourceVersion()).isEqualTo(before);
  }

  @Test
  void anObjectOverTheSizeLimitGets422NamingIt() throws Exception {
    long before = resourceVersion();
    String big =
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: big}
        spec:
          steps:
          - name: build
            command: %s
        """
            .formatted("x ".repeat(300 * 1024));

    HttpResponse<String> reply = apply(big);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(422);
    assertThat(reply.body())
        .contains("Pipeline \\\"big\\\" in namespace \\\"default\\\" is 600.")
        .contains("the limit is 512 KiB per object");
    assertThat(list("/api/v1/pipelines")).isEmpty();
    assertThat(resourceVersion()).isEqualTo(before);
  }

  /** A declared body over the limit is answered 413 before the server reads any of it. */
  @Test
  void anOversizedBodyGets413BeforeItIsSent() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/apply HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                  + tenant
                  + "\r\nContent-Type: application/yaml\r\nContent-Length: "
                  + (1L << 30)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 413");
    }
    assertThat(send("GET", "/healthz", "", Map.of()).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> apply(String yaml) throws Exception {
    return send("POST", "/api/v1/apply", yaml, Map.of("Content-Type", "application/yaml"));
  }

  private JsonNode list(String path) throws Exception {
    HttpResponse<String> reply = send("GET", path, "", Map.of());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return ResourceCodec.json().readTree(reply.body()).at("/data/items");
  }

  private long resourceVersion() throws Exception {
    HttpResponse<String> reply = send("GET", "/healthz", "", Map.of());
    return ResourceCodec.json().readTree(reply.body()).at("/data/resource_version").asLong();
  }

  private HttpResponse<String> send(
      String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (path.startsWith("/api/") && !path.endsWith("/accounts/create")) {
      b.header("Authorization", tenant);
    }
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
