package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.RequestSignature;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
 * Watches and log follows over real HTTP, with accounts, on a real SQLite store: a parked long poll
 * is answered by its own tenant's next change and never by another's, resumes page on, 410 beyond
 * the log, an empty answer at the timeout, and the cap per caller. No test asserts how fast: only
 * that answers come, within a generous client timeout.
 */
class LongPollIT {
  private static final Duration ANSWER = Duration.ofSeconds(60);
  private static final AtomicLong NONCE = new AtomicLong();

  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    // A short log, so that resuming from before it is quick to provoke.
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db") + "?eventRetention=50");
    byte[] masterKey = new byte[32];
    new java.security.SecureRandom().nextBytes(masterKey);
    server =
        ApiServer.start(
            store, "127.0.0.1", 0, ServerSecurity.accounts(store, masterKey, Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void aParkedWatchIsWokenByItsOwnTenantsChangeNeverByAnothers() throws Exception {
    Key alice = tenant("alice");
    Key bob = tenant("bob");
    long rv = store.resourceVersion();
    CompletableFuture<HttpResponse<String>> aliceWatch =
        sendAsync(alice, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=60", "");
    awaitLongPolls(1);

    assertThat(apply(bob, manifest("bobs")).statusCode()).isEqualTo(200);
    assertThat(apply(alice, manifest("alices")).statusCode()).isEqualTo(200);

    HttpResponse<String> answer = aliceWatch.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode events = json(answer).at("/data/events");
    assertThat(events).isNotEmpty();
    for (JsonNode e : events) {
      assertThat(e.at("/object/metadata/name").asText()).isEqualTo("alices");
      assertThat(e.at("/object/metadata/namespace").asText()).isEqualTo("default");
    }
    assertThat(answer.body()).doesNotContain("bobs").doesNotContain("tb").doesNotContain("bob");

    // Resuming from the answer's position, Alice sees only her own events, all of them.
    long position = json(answer).at("/data/resource_version").asLong();
    JsonNode rest =
        json(send(alice, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=0", ""));
    assertThat(rest.toString()).doesNotContain("bobs");
    assertThat(rest.at("/data/resource_version").asLong()).isGreaterThanOrEqualTo(position);
    assertThat(json(send(bob, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=0", "")))
        .asString()
        .doesNotContain("alices");
    assertThat(longPolls()).isZero();
  }

  @Test
  void aQuietWatchAnswersEmptyAtItsTimeout() throws Exception {
    Key alice = tenant("alice");
    long rv = store.resourceVersion();
    HttpResponse<String> quiet =
        send(alice, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=1", "");
    assertThat(quiet.statusCode()).isEqualTo(200);
    assertThat(json(quiet).at("/data/events")).isEmpty();
    assertThat(json(quiet).at("/data/resource_version").asLong()).isGreaterThanOrEqualTo(rv);
  }

  @Test
  void aWatchFromBeforeTheLogIsGoneAndFromTheLogIsAnswered() throws Exception {
    // More changes than the log keeps (50), made before this server (and its hub) started: the
    // hub's window does not have them, the log has only the newest.
    server.close();
    for (int i = 0; i < 60; i++) {
      store.create(WatchHubIT.pipeline("default", "p" + i));
    }
    server = ApiServer.start(store, "127.0.0.1", 0);
    HttpResponse<String> gone = send(null, "GET", "/api/v1/watch?after=1&timeout_seconds=0", "");
    assertThat(gone.statusCode()).as(gone.body()).isEqualTo(410);
    assertThat(json(gone).at("/status").asText()).isEqualTo("error");
    long recent = store.resourceVersion() - 3;
    HttpResponse<String> fromLog =
        send(null, "GET", "/api/v1/watch?after=" + recent + "&timeout_seconds=0", "");
    assertThat(fromLog.statusCode()).isEqualTo(200);
    assertThat(json(fromLog).at("/data/events")).hasSize(3);
    assertThat(json(fromLog).at("/data/resource_version").asLong())
        .isEqualTo(store.resourceVersion());
  }

  @Test
  void aLogFollowIsWokenWhenItsRunChanges() throws Exception {
    Key alice = tenant("alice");
    assertThat(apply(alice, job()).statusCode()).isEqualTo(200);
    HttpResponse<String> started = send(alice, "POST", "/api/v1/jobs/ci/run", "");
    assertThat(started.statusCode()).as(started.body()).isLessThan(300);
    String run = json(started).at("/data/run_id").asText();

    CompletableFuture<HttpResponse<String>> follow =
        sendAsync(alice, "GET", "/api/v1/runs/" + run + "/logs?follow=true&timeout_seconds=60", "");
    awaitLongPolls(1);
    assertThat(send(alice, "POST", "/api/v1/runs/" + run + "/cancel", "").statusCode())
        .isEqualTo(202);

    HttpResponse<String> answer = follow.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).at("/data/run_id").asText()).isEqualTo(run);
    assertThat(longPolls()).isZero();
  }

  @Test
  void oneCallerMayHoldOnlySoManyLongPolls() throws Exception {
    Key alice = tenant("alice");
    Key bob = tenant("bob");
    long rv = store.resourceVersion();
    List<CompletableFuture<HttpResponse<String>>> open = new ArrayList<>();
    for (int i = 0; i < HttpLimits.LONG_POLLS_PER_CALLER; i++) {
      open.add(sendAsync(alice, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=60", ""));
    }
    awaitLongPolls(HttpLimits.LONG_POLLS_PER_CALLER);
    HttpResponse<String> over =
        send(alice, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=60", "");
    assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
    assertThat(json(over).at("/status").asText()).isEqualTo("error");

    // Others are not held up: Bob still watches, and a change answers every one of Alice's.
    HttpResponse<String> bobs =
        send(bob, "GET", "/api/v1/watch?after=" + rv + "&timeout_seconds=1", "");
    assertThat(bobs.statusCode()).isEqualTo(200);
    assertThat(apply(alice, manifest("wake")).statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<String>> f : open) {
      HttpResponse<String> answer = f.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("wake");
    }
  }

  // ---------------------------------------------------------------- helpers

  record Key(String id, String secret) {}

  private Key tenant(String username) throws Exception {
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
            request("POST", "/api/v1/api-keys", ResourceCodec.toJson(Map.of("name", "k")))
                .header("Authorization", basic)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
    JsonNode data = json(key).get("data");
    return new Key(data.get("key_id").asText(), data.get("secret").asText());
  }

  private HttpResponse<String> apply(Key key, String yaml) throws Exception {
    return send(key, "POST", "/api/v1/apply", ResourceCodec.toJson(Map.of("yaml_content", yaml)));
  }

  private HttpResponse<String> send(Key key, String method, String path, String body)
      throws Exception {
    return sendAsync(key, method, path, body).get(ANSWER.toSeconds(), TimeUnit.SECONDS);
  }

  private CompletableFuture<HttpResponse<String>> sendAsync(
      Key key, String method, String path, String body) {
    // A nonce makes each signature unique: the server refuses a replayed one.
    String signed = path + (path.contains("?") ? "&" : "?") + "nonce=" + NONCE.incrementAndGet();
    HttpRequest.Builder b = request(method, signed, body).timeout(ANSWER);
    if (key != null) {
      b.header(
          "Authorization",
          RequestSignature.header(
              key.id(),
              key.secret(),
              method,
              signed,
              Instant.now().toString(),
              body.getBytes(StandardCharsets.UTF_8)));
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      b.header("Content-Type", "application/json");
    }
    return b;
  }

  private long longPolls() throws Exception {
    return json(send(null, "GET", "/healthz", "")).at("/data/long_polls").asLong();
  }

  private void awaitLongPolls(int n) {
    await().atMost(ANSWER).ignoreExceptions().until(() -> longPolls() == n);
  }

  private static JsonNode json(HttpResponse<String> reply) throws Exception {
    return ResourceCodec.json().readTree(reply.body());
  }

  private static String manifest(String name) {
    return """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: %s}
        spec:
          steps: [{name: test, command: "echo ok"}]
        """
        .formatted(name);
  }

  private static String job() {
    return manifest("build")
        + """
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
        """;
  }
}
