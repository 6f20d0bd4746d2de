package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.LocalAdmin;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A 50 MiB step log through the real processes: {@code gryt server --max-step-log-bytes 64 MiB}
 * with its in-process agent (process runner) runs a step that prints 524,288 numbered lines of 100
 * bytes. The cap reaches the agent in the assignment, the agent's reports carry it in pieces under
 * the server's request limit, the store keeps it whole, pages read back in order with their line
 * numbers, and the raw download streams every byte. Sizes and content are asserted, never time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeStepLogIT {
  private static final int LINES = 524_288;
  private static final long BYTES = LINES * 100L;
  private static final String STEP = "flood";

  private Path dir;
  private Gryt gryt;
  private int port;
  private Process server;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-biglog-");
    gryt = new Gryt(dir.resolve("home"), dir);
    port = Gryt.freePort();
    Path log = dir.resolve("server.log");
    server =
        gryt.start(
            log,
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("gryt.db"),
            "--runner",
            "process",
            "--max-step-log-bytes",
            "" + 64L * 1024 * 1024);
    Gryt.awaitUp(server, log, "http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    Gryt.stop(server);
  }

  @Test
  void aFiftyMegabyteStepLogIsStoredPagedAndStreamedWhole() throws Exception {
    // Each line: an 8-digit number, a space, 90 x's and a newline: 100 bytes.
    String command =
        "awk 'BEGIN { pad = sprintf(\"%90s\", \"\"); gsub(/ /, \"x\", pad);"
            + " for (i = 1; i <= "
            + LINES
            + "; i++) printf \"%08d %s\\n\", i, pad }'";
    String manifest =
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: flood}
        spec:
          steps:
          - name: %s
            command: %s
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: flood}
        spec: {pipeline_name: flood}
        """
            .formatted(STEP, dev.gryt.crds.ResourceCodec.json().writeValueAsString(command));
    HttpResponse<String> applied =
        gryt.api(
            port,
            "POST",
            "/api/v1/apply",
            dev.gryt.crds.ResourceCodec.toJson(java.util.Map.of("yaml_content", manifest)));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> gryt.api(port, "POST", "/api/v1/jobs/flood/run", "").statusCode() == 201);
    String runId = gryt.get(port, "/api/v1/runs?job=flood").at("/items/0/id").asText();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> gryt.get(port, "/api/v1/runs/" + runId).at("/status/phase").asText(),
            phase -> phase.equals("Succeeded") || phase.equals("Failed"));
    assertThat(gryt.get(port, "/api/v1/runs/" + runId).at("/status/phase").asText())
        .isEqualTo("Succeeded");

    String base = "/api/v1/runs/" + runId + "/steps/" + STEP + "/log";
    long after = 0;
    long expectedLine = 1;
    int pages = 0;
    while (true) {
      JsonNode page = gryt.get(port, base + "?after=" + after + "&limit=50&max_chars=4194304");
      assertThat(page.path("total_chars").asLong()).isEqualTo(BYTES);
      assertThat(page.path("total_lines").asLong()).isEqualTo(LINES);
      assertThat(page.path("first_line").asLong()).isEqualTo(expectedLine);
      if (page.path("chunks").isEmpty()) {
        break;
      }
      pages++;
      for (JsonNode chunk : page.path("chunks")) {
        assertThat(chunk.has("truncated")).as("nothing was cut").isFalse();
        String text = chunk.path("text").asText();
        assertThat(text).startsWith("%08d ".formatted(expectedLine)).endsWith("\n");
        expectedLine += text.chars().filter(c -> c == '\n').count();
      }
      after = page.path("next").asLong();
    }
    assertThat(expectedLine - 1).isEqualTo(LINES);
    assertThat(pages).as("a 50 MiB log takes several pages").isGreaterThan(10);

    String raw = base + "/raw";
    HttpResponse<InputStream> download =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + raw))
                    .header(
                        "Authorization",
                        LocalAdmin.authorization(gryt.home(), port, "GET", raw, ""))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(download.headers().firstValue("Content-Length"))
        .as("streamed, not measured first")
        .isEmpty();
    long bytes = 0;
    long line = 0;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(download.body(), StandardCharsets.UTF_8))) {
      for (String l = reader.readLine(); l != null; l = reader.readLine()) {
        line++;
        bytes += l.length() + 1;
        if (!l.startsWith("%08d ".formatted(line)) || l.length() != 99) {
          throw new AssertionError("line " + line + " of the download is " + l);
        }
      }
    }
    assertThat(line).isEqualTo(LINES);
    assertThat(bytes).isEqualTo(BYTES);
  }
}
