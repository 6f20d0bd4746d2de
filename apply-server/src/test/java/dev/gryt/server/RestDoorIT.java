package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST door ({@code POST /api/v1/pipelines} and friends, with the bodies existing clients send)
 * to the same objects {@code apply} manages, over real HTTP and SQLite.
 */
class RestDoorIT {
  static final String STEPS =
      """
      steps:
        - name: test
          command: "go test ./..."
      """;

  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"));
    server = ApiServer.start(store, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void createsWhatApplyThenFindsUnchanged() throws Exception {
    JsonNode pipe =
        post(
            "/api/v1/pipelines", Map.of("name", "build", "description", "d", "config", STEPS), 201);
    assertThat(pipe.at("/data/pipeline_id").asText()).startsWith("pipe-");
    assertThat(pipe.at("/data/spec/steps/0/command").asText()).isEqualTo("go test ./...");

    String b64 = Base64.getEncoder().encodeToString(STEPS.getBytes(StandardCharsets.UTF_8));
    JsonNode encoded =
        post("/api/v1/pipelines", Map.of("name", "build2", "description", "", "config", b64), 201);
    assertThat(encoded.at("/data/spec/steps/0/name").asText()).isEqualTo("test");

    JsonNode repo =
        post(
            "/api/v1/github-repos",
            Map.of(
                "name", "app",
                "git_url", "https://github.com/acme/app",
                "is_private", true,
                "branch", "main",
                "access_token", "ghp_never_shown_again"),
            201);
    assertThat(repo.toString()).doesNotContain("ghp_never_shown_again");
    assertThat(repo.at("/data/spec/access_token_set").asBoolean()).isTrue();

    JsonNode job =
        post(
            "/api/v1/jobs",
            Map.of(
                "name", "ci",
                "description", "",
                "pipeline_id", pipe.at("/data/id").asText(),
                "github_repo_id", "app",
                "branch_override", "develop"),
            201);
    assertThat(job.at("/data/spec/pipeline_name").asText()).isEqualTo("build");
    assertThat(job.at("/data/spec/github_repo_name").asText()).isEqualTo("app");

    JsonNode hook =
        post(
            "/api/v1/webhooks",
            Map.of("name", "hook", "description", "", "job_id", job.at("/data/job_id").asText()),
            201);
    String key = hook.at("/data/webhook_key").asText();
    assertThat(key).startsWith("wh_");
    assertThat(hook.at("/data/webhook_id").asText()).startsWith("webhook-");
    assertThat(hook.at("/data/url").asText()).endsWith(key);
    assertThat(send("POST", hook.at("/data/url").asText(), "").statusCode()).isEqualTo(202);

    // Apply sees the REST-made pipeline as its own: unchanged.
    String manifest =
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: build}
        spec:
          description: d
        """
            + STEPS.indent(2);
    HttpResponse<String> applied = send("POST", "/api/v1/apply", manifest);
    assertThat(json(applied).at("/data/results/0/action").asText()).isEqualTo("unchanged");
  }

  @Test
  void badBodiesAreRefusedListingEveryProblem() throws Exception {
    JsonNode badSteps =
        post(
            "/api/v1/pipelines",
            Map.of("name", "Bad Name", "config", "steps:\n  - name: x\n"),
            422);
    assertThat(badSteps.get("detail").toString()).contains("metadata.name").contains("command");
    post("/api/v1/pipelines", Map.of("name", "p", "config", "steps: [unclosed"), 422);
    post("/api/v1/pipelines", Map.of("name", "p", "config", "- just\n- a list\n"), 422);
    JsonNode missing = post("/api/v1/jobs", Map.of("description", 3), 422);
    assertThat(missing.get("detail")).hasSize(3); // name, pipeline_id, description type
    JsonNode unknown =
        post(
            "/api/v1/jobs",
            Map.of("name", "j", "pipeline_id", "pipe-nope", "github_repo_id", "x"),
            422);
    assertThat(unknown.get("detail")).hasSize(2);
    post("/api/v1/webhooks", Map.of("name", "w", "job_id", "nope"), 422);
    post("/api/v1/github-repos", Map.of("name", "r", "git_url", "not a url"), 422);
    post(
        "/api/v1/github-repos",
        Map.of("name", "r", "git_url", "https://x/y", "is_private", "yes"),
        422);
    assertThat(send("POST", "/api/v1/pipelines", "{not json").statusCode()).isEqualTo(400);
    post("/api/v1/pipelines", Map.of("name", "p", "config", STEPS), 201);
    post("/api/v1/pipelines", Map.of("name", "p", "config", STEPS), 409);
    post("/api/v1/pipelines", Map.of("name", "x'; DROP TABLE resources; --", "config", STEPS), 422);
    assertThat(store.list(dev.gryt.crds.Pipeline.class, null, Map.of())).hasSize(1);
    // A 320 KiB description of metacharacters is just text: stored and read back whole.
    String big = "d'\"; ".repeat(1 << 16);
    post("/api/v1/pipelines", Map.of("name", "p2", "description", big, "config", STEPS), 201);
    assertThat(json(send("GET", "/api/v1/pipelines/p2", "")).at("/data/spec/description").asText())
        .isEqualTo(big);
    // A 1 MB one makes an object over the size limit: refused, naming it, and not stored.
    String huge = "d'\"; ".repeat(1 << 18);
    JsonNode refused =
        post("/api/v1/pipelines", Map.of("name", "p3", "description", huge, "config", STEPS), 422);
    assertThat(refused.toString()).contains("Pipeline \\\"p3\\\"").contains("512 KiB per object");
    assertThat(send("GET", "/api/v1/pipelines/p3", "").statusCode()).isEqualTo(404);
  }

  @Test
  void listsArePaginated() throws Exception {
    for (int i = 0; i < 7; i++) {
      post("/api/v1/pipelines", Map.of("name", "p" + i, "config", STEPS), 201);
    }
    JsonNode first = json(send("GET", "/api/v1/pipelines?limit=3", ""));
    assertThat(first.at("/data/items")).hasSize(3);
    assertThat(first.at("/data/total").asInt()).isEqualTo(7);
    assertThat(first.at("/data/next_offset").asInt()).isEqualTo(3);
    JsonNode last = json(send("GET", "/api/v1/pipelines?limit=3&offset=6", ""));
    assertThat(last.at("/data/items")).hasSize(1);
    assertThat(last.at("/data/next_offset").isNull()).isTrue();
    assertThat(send("GET", "/api/v1/pipelines?limit=0", "").statusCode()).isEqualTo(400);
    assertThat(send("GET", "/api/v1/pipelines?offset=-1", "").statusCode()).isEqualTo(400);
    assertThat(send("GET", "/api/v1/pipelines?limit=many", "").statusCode()).isEqualTo(400);
  }

  JsonNode post(String path, Map<String, ?> body, int status) throws Exception {
    HttpResponse<String> reply = send("POST", path, ResourceCodec.toJson(body));
    assertThat(reply.statusCode()).as(abbreviated(reply.body())).isEqualTo(status);
    return json(reply);
  }

  static String abbreviated(String body) {
    return body.length() > 2000 ? body.substring(0, 2000) + "…" : body;
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body.startsWith("{")) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> reply = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(abbreviated(reply.body())).isLessThan(500);
    return reply;
  }

  static JsonNode json(HttpResponse<String> reply) throws Exception {
    return ResourceCodec.json().readTree(reply.body());
  }
}
