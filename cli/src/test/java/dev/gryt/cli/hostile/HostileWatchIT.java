package dev.gryt.cli.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.RequestSignature;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack 8 of the hostile-tenant list: a signed-up tenant opens 300 long polls against a real
 * {@code gryt server} process on SQLite. Before, each held one of the server's 200 request threads:
 * {@code /healthz} went unanswered for 30 s and requests were dropped. Now the tenant's polls over
 * its cap are refused with 429, the rest wait without a thread, and {@code /healthz} and a webhook
 * trigger are still answered while they wait. No timing is asserted: only that the answers come,
 * within a client timeout generous enough for any machine.
 */
class HostileWatchIT {
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("bin/gryt");
  private static final Duration ANSWER = Duration.ofSeconds(60);
  private static final int POLLS = 300;
  private static final AtomicLong NONCE = new AtomicLong();

  @TempDir Path dir;
  Process server;
  int port;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER).build();

  @BeforeEach
  void start() throws Exception {
    port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
            LAUNCHER.toString(),
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("gryt.db"),
            "--agents",
            "0");
    builder.environment().put("GRYT_HOME", dir.resolve("home").toString());
    server =
        builder
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    await().atMost(ANSWER).ignoreExceptions().until(() -> health().statusCode() == 200);
  }

  @AfterEach
  void stop() throws Exception {
    server.destroy();
    server.waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  void aTenantsFloodOfLongPollsIsCappedAndTheServerStillAnswers() throws Exception {
    String[] key = tenant("mallory");
    HttpResponse<String> applied =
        send(key, "POST", "/api/v1/apply", ResourceCodec.toJson(Map.of("yaml_content", MANIFEST)));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    String hookKey =
        json(send(key, "GET", "/api/v1/webhooks/hook", "")).at("/data/webhook_key").asText();
    assertThat(hookKey).isNotBlank();

    // Let the control loop finish writing the applied objects' status first: a change while the
    // flood comes in would answer the waiting polls and free their slots for more.
    long settled = settled(key);
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < POLLS; i++) {
      polls.add(
          sendAsync(key, "GET", "/api/v1/watch?after=" + settled + "&timeout_seconds=60", ""));
    }
    // The polls over the tenant's cap are refused; the others wait.
    await()
        .atMost(ANSWER)
        .until(() -> polls.stream().filter(CompletableFuture::isDone).count() >= POLLS - 50);
    long refused =
        polls.stream()
            .filter(CompletableFuture::isDone)
            .map(CompletableFuture::join)
            .filter(r -> r.statusCode() == 429)
            .count();
    assertThat(refused).isGreaterThanOrEqualTo(POLLS - 50);

    // While the rest wait, the server answers: its health, and a webhook trigger.
    HttpResponse<String> health = health();
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).at("/data/long_polls").asLong()).isBetween(1L, 50L);
    HttpResponse<String> trigger =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/webhooks/run/" + hookKey))
                .timeout(ANSWER)
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"ref\":\"refs/heads/main\",\"repository\":{\"full_name\":\"acme/app\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(202);

    // The run the trigger started is a change of the tenant's: it answers every waiting poll.
    for (CompletableFuture<HttpResponse<String>> poll : polls) {
      HttpResponse<String> answer = poll.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isIn(200, 429);
    }
  }

  private static final String MANIFEST =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata: {name: build}
      spec:
        steps: [{name: test, command: "echo ok"}]
      ---
      apiVersion: gryt.io/v1
      kind: GitHubRepo
      metadata: {name: app}
      spec: {git_url: "https://github.com/acme/app"}
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata: {name: ci}
      spec: {pipeline_name: build, github_repo_name: app}
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: hook}
      spec: {job_name: ci}
      """;

  /** The tenant's resourceVersion once 3 s pass without a change of its objects. */
  private long settled(String[] key) throws Exception {
    long after = 0;
    for (int i = 0; i < 20; i++) {
      JsonNode data =
          json(send(key, "GET", "/api/v1/watch?after=" + after + "&timeout_seconds=3", ""))
              .get("data");
      after = data.get("resource_version").asLong();
      if (data.get("events").isEmpty()) {
        return after;
      }
    }
    throw new AssertionError("the tenant's objects kept changing for 20 polls");
  }

  /** Signs up (sign-up is open on a loopback server) and makes an API key: {id, secret}. */
  private String[] tenant(String username) throws Exception {
    String password = username + "-correct horse battery";
    HttpResponse<String> created =
        send(
            null,
            "POST",
            "/api/v1/accounts/create",
            ResourceCodec.toJson(Map.of("username", username, "password", password)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> key =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/api-keys"))
                .timeout(ANSWER)
                .header("Authorization", basic)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"k\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
    JsonNode data = json(key).get("data");
    return new String[] {data.get("key_id").asText(), data.get("secret").asText()};
  }

  private HttpResponse<String> send(String[] key, String method, String path, String body)
      throws Exception {
    return sendAsync(key, method, path, body).get(ANSWER.toSeconds(), TimeUnit.SECONDS);
  }

  private CompletableFuture<HttpResponse<String>> sendAsync(
      String[] key, String method, String path, String body) {
    // A nonce makes each signature unique: the server refuses a replayed one.
    String signed = path + (path.contains("?") ? "&" : "?") + "nonce=" + NONCE.incrementAndGet();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(signed))
            .timeout(ANSWER.multipliedBy(2))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      b.header("Content-Type", "application/json");
    }
    if (key != null) {
      b.header(
          "Authorization",
          RequestSignature.header(
              key[0],
              key[1],
              method,
              signed,
              Instant.now().toString(),
              body.getBytes(StandardCharsets.UTF_8)));
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> health() throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/healthz")).timeout(ANSWER).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static JsonNode json(HttpResponse<String> reply) throws IOException {
    return ResourceCodec.json().readTree(reply.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
