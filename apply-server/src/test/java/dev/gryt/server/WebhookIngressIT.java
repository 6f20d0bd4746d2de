package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public webhook trigger over a real SQLite store and real HTTP on a free port. */
class WebhookIngressIT {
  static final String SECRET = "It's a Secret to Everybody";
  static final String MANIFEST =
      """
      apiVersion: gryt.io/v1
      kind: Job
      metadata: {name: build}
      spec: {pipeline_name: p}
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: open}
      spec: {job_name: build}
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: signed}
      spec:
        job_name: build
        secret: "It's a Secret to Everybody"
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: filtered}
      spec:
        job_name: build
        events: [push]
        branches: [main, "release/*"]
      """;

  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    store = StoreFactory.open(storeUrl());
    // Every non-public route refuses; the trigger must still answer.
    server =
        ApiServer.start(
            store,
            "127.0.0.1",
            0,
            new ServerSecurity(
                ctx -> {
                  if (!"yes".equals(ctx.header("X-Test-Auth"))) {
                    throw new ApiException(401, "authenticate", null);
                  }
                  Principal.ADMIN.attachTo(ctx);
                },
                null,
                null));
    HttpResponse<String> applied =
        send(
            HttpRequest.newBuilder(uri("/api/v1/apply"))
                .header("Content-Type", "application/yaml")
                .header("X-Test-Auth", "yes")
                .POST(HttpRequest.BodyPublishers.ofString(MANIFEST)));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
  }

  /** The store the API runs on; {@link WebhookIngressPostgresIT} runs the same on PostgreSQL. */
  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void aPushStartsARunAtItsCommitWithoutAnAccount() throws Exception {
    String key = key("open");
    String payload = "{\"ref\":\"refs/heads/main\",\"after\":\"abc123\"}";

    HttpResponse<String> r = trigger(key, payload, Map.of("X-GitHub-Event", "push"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String runId = json(r).get("data").get("run_id").asText();
    JobRun run = (JobRun) store.getById(runId).orElseThrow();
    assertThat(run.getSpec().jobName).isEqualTo("build");
    assertThat(run.getSpec().trigger).isEqualTo("webhook");
    assertThat(run.getSpec().ref).isEqualTo("refs/heads/main");
    assertThat(run.getSpec().sha).isEqualTo("abc123");
  }

  @Test
  void anEmptyBodyIsAManualTrigger() throws Exception {
    HttpResponse<String> r = trigger(key("open"), "", Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(runs()).hasSize(1);
    JsonNode deliveries = deliveries("open");
    assertThat(deliveries.get(0).get("event").asText()).isEqualTo("manual");
  }

  @Test
  void aPullRequestRunsItsHead() throws Exception {
    String payload =
        """
        {"action":"opened","pull_request":{
          "head":{"ref":"feature","sha":"def456"},"base":{"ref":"main"}}}""";
    HttpResponse<String> r =
        trigger(key("open"), payload, Map.of("X-GitHub-Event", "pull_request"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JobRun run = runs().get(0);
    assertThat(run.getSpec().ref).isEqualTo("feature");
    assertThat(run.getSpec().sha).isEqualTo("def456");
  }

  @Test
  void aWebhookWithASecretNeedsGitHubsSignature() throws Exception {
    String key = key("signed");
    String body = "Hello, World!";
    String vector = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    assertThat(trigger(key, body, Map.of()).statusCode()).isEqualTo(401);
    assertThat(trigger(key, "Hello, World?", Map.of(GitHubSignature.HEADER, vector)).statusCode())
        .isEqualTo(401);
    assertThat(runs()).isEmpty();
    // The vector's body is not JSON: a valid signature gets as far as the payload check.
    HttpResponse<String> signed = trigger(key, body, Map.of(GitHubSignature.HEADER, vector));
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(400);

    String payload = "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}";
    HttpResponse<String> ok =
        trigger(
            key,
            payload,
            Map.of(
                "X-GitHub-Event",
                "push",
                GitHubSignature.HEADER,
                GitHubSignature.of(SECRET, payload.getBytes(StandardCharsets.UTF_8))));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    assertThat(runs()).hasSize(1);
    assertThat(ok.body() + get("/api/v1/webhooks/signed").body() + get("/api/v1/webhooks").body())
        .doesNotContain(SECRET);
  }

  @Test
  void filteredDeliveriesAreRecordedButStartNothing() throws Exception {
    String key = key("filtered");
    HttpResponse<String> dev =
        trigger(
            key, "{\"ref\":\"refs/heads/dev\",\"after\":\"a\"}", Map.of("X-GitHub-Event", "push"));
    assertThat(dev.statusCode()).isEqualTo(202);
    assertThat(json(dev).get("data").get("run_id").isNull()).isTrue();
    assertThat(json(dev).get("data").get("skipped").asText()).contains("branch dev");

    HttpResponse<String> manual = trigger(key, "", Map.of());
    assertThat(json(manual).get("data").get("skipped").asText()).contains("event manual");

    HttpResponse<String> release =
        trigger(
            key,
            "{\"ref\":\"refs/heads/release/2\",\"after\":\"b\"}",
            Map.of("X-GitHub-Event", "push"));
    assertThat(json(release).get("data").get("run_id").asText()).startsWith("run-");
    assertThat(runs()).hasSize(1);
    assertThat(deliveries("filtered").findValuesAsText("status"))
        .containsExactly("triggered", "skipped", "skipped");
  }

  @Test
  void aRepeatedDeliveryStartsOneRun() throws Exception {
    String key = key("open");
    Map<String, String> headers = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "guid-1");
    String payload = "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}";

    HttpResponse<String> first = trigger(key, payload, headers);
    HttpResponse<String> again = trigger(key, payload, headers);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("data").get("run_id").asText())
        .isEqualTo(json(first).get("data").get("run_id").asText());
    assertThat(json(again).get("data").get("duplicate").asBoolean()).isTrue();
    assertThat(runs()).hasSize(1);
    JsonNode deliveries = deliveries("open");
    assertThat(deliveries).hasSize(1);
    assertThat(deliveries.get(0).get("delivery_id").asText()).isEqualTo("guid-1");
    assertThat(deliveries.get(0).get("run_id").asText())
        .isEqualTo(json(first).get("data").get("run_id").asText());
    assertThat(deliveries.get(0).get("received_at").asText()).isNotEmpty();
  }

  @Test
  void clientMistakesGetClientErrors() throws Exception {
    String key = key("open");
    assertThat(trigger("wh_unknown", "", Map.of()).statusCode()).isEqualTo(404);
    assertThat(trigger(key, "{not json", Map.of("X-GitHub-Event", "push")).statusCode())
        .isEqualTo(400);
    assertThat(trigger(key, "[1]", Map.of("X-GitHub-Event", "push")).statusCode()).isEqualTo(400);
    // Only the headers are sent: the server answers on the declared length, before any body,
    // so the test does not race an early answer against a 25 MB upload.
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      String head =
          "POST "
              + WebhookHandler.TRIGGER_PATH
              + key
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + (WebhookHandler.MAX_BODY_BYTES + 1)
              + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).startsWith("HTTP/1.1 413");
    }
    assertThat(runs()).isEmpty();
  }

  @Test
  void aWebhookWhoseJobIsGoneAnswersConflictAndRecordsNothing() throws Exception {
    String key = key("open");
    HttpResponse<String> deleted = delete("/api/v1/jobs/build");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);

    HttpResponse<String> r = trigger(key, "", Map.of("X-GitHub-Delivery", "guid-gone"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    assertThat(json(r).get("message").asText()).contains("job default/build does not exist");
    assertThat(runs()).isEmpty();
    assertThat(deliveries("open")).isEmpty();
  }

  @Test
  void rotatingTheKeyRetiresTheOldOne() throws Exception {
    String old = key("open");
    HttpResponse<String> rotated = post("/api/v1/webhooks/open/rotate-key");
    assertThat(rotated.statusCode()).isEqualTo(200);
    String fresh = json(rotated).get("data").get("webhook_key").asText();
    assertThat(fresh).startsWith("wh_").isNotEqualTo(old);
    assertThat(json(rotated).get("data").get("url").asText()).endsWith("/webhooks/run/" + fresh);

    assertThat(trigger(old, "", Map.of()).statusCode()).isEqualTo(404);
    assertThat(trigger(fresh, "", Map.of()).statusCode()).isEqualTo(202);
    assertThat(key("open")).isEqualTo(fresh);
  }

  @Test
  void theKeyNeverAppearsInListsNorWithoutAnAccount() throws Exception {
    String key = key("open");
    assertThat(get("/api/v1/webhooks").body()).doesNotContain(key).contains("open");
    assertThat(get("/api/v1/watch?after=0&timeout_seconds=1").body()).doesNotContain(key);
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/webhooks/open")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> anonymousRotate =
        send(
            HttpRequest.newBuilder(uri("/api/v1/webhooks/open/rotate-key"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(anonymousRotate.statusCode()).isEqualTo(401);
  }

  @Test
  void deletingTheWebhookForgetsItsKey() throws Exception {
    String key = key("open");
    HttpResponse<String> deleted = delete("/api/v1/webhooks/open");
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(trigger(key, "", Map.of()).statusCode()).isEqualTo(404);
  }

  // ---------------------------------------------------------------- helpers

  String key(String webhook) throws Exception {
    HttpResponse<String> r = get("/api/v1/webhooks/" + webhook);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode data = json(r).get("data");
    String key = data.get("webhook_key").asText();
    assertThat(key).matches("wh_[A-Za-z0-9_-]{43}");
    assertThat(data.get("url").asText()).isEqualTo(WebhookHandler.TRIGGER_PATH + key);
    return key;
  }

  HttpResponse<String> trigger(String key, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(WebhookHandler.TRIGGER_PATH + key))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return send(request);
  }

  JsonNode deliveries(String webhook) throws Exception {
    HttpResponse<String> r = get("/api/v1/webhooks/" + webhook + "/deliveries");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r).get("data").get("items");
  }

  List<JobRun> runs() {
    return store.list(JobRun.class, null, Map.of());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("X-Test-Auth", "yes").GET());
  }

  HttpResponse<String> delete(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("X-Test-Auth", "yes").DELETE());
  }

  HttpResponse<String> post(String path) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("X-Test-Auth", "yes")
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return ResourceCodec.json().readTree(r.body());
  }
}
