package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.manifest.BadManifestCorpus;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The API over a real SQLite store and real HTTP on a free port. */
class ApiServerIT {
  static final String INFRA = examples().resolve("infra.yaml").toString();

  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  final HttpClient http = HttpClient.newHttpClient();

  /** The version of the empty store: 0 on SQL, the cluster's on Kubernetes. */
  long emptyVersion;

  @BeforeEach
  void start() {
    store = StoreFactory.open(storeUrl());
    emptyVersion = store.resourceVersion();
    server = ApiServer.start(store, "127.0.0.1", 0);
  }

  /** The store the API runs on; {@link ApiServerPostgresIT} runs the same tests on PostgreSQL. */
  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void appliesTheSeedManifestThenFindsItUnchanged() throws Exception {
    JsonNode first = apply(Files.readString(Path.of(INFRA)), "");
    assertThat(first.get("status").asText()).isEqualTo("success");
    JsonNode results = first.get("data").get("results");
    assertThat(results).hasSize(4);
    assertThat(results.findValuesAsText("action")).containsOnly("created");
    assertThat(results.findValuesAsText("id"))
        .satisfiesExactly(
            id -> assertThat(id).startsWith("pipe-"),
            id -> assertThat(id).startsWith("repo-"),
            id -> assertThat(id).startsWith("job-"),
            id -> assertThat(id).startsWith("webhook-"));

    JsonNode again = apply(Files.readString(Path.of(INFRA)), "");
    assertThat(again.get("data").get("results").findValuesAsText("action"))
        .containsOnly("unchanged");
    assertThat(again.get("data").get("results").findValuesAsText("id"))
        .isEqualTo(results.findValuesAsText("id"));
  }

  @Test
  void aChangedFieldIsConfiguredWithADiffAndBumpsGeneration() throws Exception {
    String yaml = Files.readString(Path.of(INFRA));
    apply(yaml, "");
    long rvBefore = store.resourceVersion();

    JsonNode reply = apply(yaml.replace("go test ./...", "go test -race ./..."), "");

    JsonNode pipeline = reply.get("data").get("results").get(0);
    assertThat(pipeline.get("action").asText()).isEqualTo("configured");
    assertThat(pipeline.get("diff").get(0).get("path").asText()).isEqualTo("spec.steps[0].command");
    assertThat(pipeline.get("diff").get(0).get("new").asText()).isEqualTo("go test -race ./...");
    assertThat(store.resourceVersion()).isEqualTo(rvBefore + 1);
    Pipeline stored = store.get(Pipeline.class, "default", "test-and-build").orElseThrow();
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void dryRunPlansButWritesNothing() throws Exception {
    JsonNode reply = apply(Files.readString(Path.of(INFRA)), "?dryRun=true");

    assertThat(reply.get("data").get("dry_run").asBoolean()).isTrue();
    assertThat(reply.get("data").get("results").findValuesAsText("action")).containsOnly("created");
    assertThat(store.resourceVersion()).as("nothing written").isEqualTo(emptyVersion);
  }

  @Test
  void acceptsARawYamlBodyAndDocumentsInAnyOrder() throws Exception {
    String yaml =
        """
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: later}
        spec: {pipeline_name: p}
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: p}
        spec:
          steps: [{name: s, command: make}]
        """;
    HttpResponse<String> r = post("/api/v1/apply", yaml, "application/yaml");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(list("jobs")).hasSize(1);
  }

  @Test
  void pruneRemovesOnlyMembersOfTheSet() throws Exception {
    String yaml = Files.readString(Path.of(INFRA));
    apply(yaml, "?applyset=demo");
    apply(
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: made-another-way}
        spec:
          steps: [{name: s, command: make}]
        """,
        "");

    String onlyPipeline = yaml.substring(0, yaml.indexOf("---", 4));
    JsonNode reply = apply(onlyPipeline, "?prune=true&applyset=demo");

    assertThat(reply.get("data").get("results").findValuesAsText("action"))
        .containsExactly("unchanged", "pruned", "pruned", "pruned");
    assertThat(list("pipelines")).hasSize(2);
    assertThat(list("jobs")).isEmpty();
  }

  @Test
  void pruneWithoutASetIsRefused() throws Exception {
    HttpResponse<String> r =
        post(
            "/api/v1/apply?prune=true", body(Files.readString(Path.of(INFRA))), "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(store.resourceVersion()).as("nothing written").isEqualTo(emptyVersion);
  }

  @Test
  void getsAndDeletesByNameOrIdAndHidesSecrets() throws Exception {
    apply(
        """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: private-repo}
        spec: {git_url: "https://github.com/acme/app", access_token: ghp_supersecret}
        """,
        "");
    HttpResponse<String> byName = get("/api/v1/github-repos/private-repo");
    assertThat(byName.statusCode()).isEqualTo(200);
    assertThat(byName.body()).doesNotContain("ghp_supersecret");
    String id = json(byName).get("data").get("id").asText();
    assertThat(id).startsWith("repo-");
    assertThat(get("/api/v1/github-repos").body()).doesNotContain("ghp_supersecret");

    assertThat(get("/api/v1/github-repos/" + id).statusCode()).isEqualTo(200);
    HttpResponse<String> deleted =
        send(HttpRequest.newBuilder(uri("/api/v1/github-repos/" + id)).DELETE());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted).get("data").get("action").asText()).isEqualTo("deleted");
    HttpResponse<String> missing = get("/api/v1/github-repos/private-repo");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("status").asText()).isEqualTo("error");
  }

  @Test
  void badRequestsGetEnvelopedClientErrors() throws Exception {
    assertThat(post("/api/v1/apply", "{not json", "application/json").statusCode()).isEqualTo(400);
    assertThat(post("/api/v1/apply", "{\"yaml\": \"x\"}", "application/json").statusCode())
        .isEqualTo(400);
    assertThat(post("/api/v1/apply?dryRun=maybe", body("x: 1"), "application/json").statusCode())
        .isEqualTo(400);
    HttpResponse<String> unknownRoute = get("/api/v1/nothing-here");
    assertThat(unknownRoute.statusCode()).isEqualTo(404);
    assertThat(json(unknownRoute).get("status").asText()).isEqualTo("error");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void startsCancelsAndRetriesRunsAndListsThemByJob() throws Exception {
    apply(Files.readString(Path.of(INFRA)), "");
    HttpResponse<String> started = post("/api/v1/jobs/my-app-ci/run", "", "application/json");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String runId = json(started).get("data").get("run_id").asText();
    assertThat(runId).startsWith("run-");
    assertThat(post("/api/v1/jobs/no-such-job/run", "", "application/json").statusCode())
        .isEqualTo(404);
    String sha = "0123456789abcdef0123456789abcdef01234567";
    HttpResponse<String> atCommit =
        post(
            "/api/v1/jobs/my-app-ci/run",
            "{\"ref\":\"feature\",\"sha\":\"" + sha + "\"}",
            "application/json");
    assertThat(atCommit.statusCode()).as(atCommit.body()).isEqualTo(201);
    JsonNode atCommitSpec =
        json(get("/api/v1/runs/" + json(atCommit).get("data").get("run_id").asText()))
            .get("data")
            .get("spec");
    assertThat(atCommitSpec.get("ref").asText()).isEqualTo("feature");
    assertThat(atCommitSpec.get("sha").asText()).isEqualTo(sha);
    HttpResponse<String> badSha =
        post("/api/v1/jobs/my-app-ci/run", "{\"sha\":\"abc\"}", "application/json");
    assertThat(badSha.statusCode()).isEqualTo(422);
    assertThat(badSha.body()).contains("40-hex-digit");

    HttpResponse<String> cancelled =
        post("/api/v1/runs/" + runId + "/cancel", "", "application/json");
    assertThat(cancelled.statusCode()).isEqualTo(202);
    JsonNode run = json(get("/api/v1/runs/" + runId)).get("data");
    assertThat(run.get("spec").get("cancel_requested").asBoolean()).isTrue();

    HttpResponse<String> retried = post("/api/v1/runs/" + runId + "/retry", "", "application/json");
    assertThat(retried.statusCode()).isEqualTo(201);
    String retryId = json(retried).get("data").get("run_id").asText();
    assertThat(
            json(get("/api/v1/runs/" + retryId)).get("data").get("spec").get("retry_of").asText())
        .isEqualTo(runId);

    assertThat(list("runs?job=my-app-ci")).hasSize(3);
    assertThat(list("runs?job=other")).isEmpty();
  }

  @Test
  void aJobsRunPolicyIsCheckedWithTheLineOfEachBadValue() throws Exception {
    String yaml =
        """
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: j}
        spec:
          pipeline_name: p
          concurrency_policy: sometimes
          max_concurrent_runs: 0
          history_limit: -1
        """;
    HttpResponse<String> r = post("/api/v1/apply", yaml, "application/yaml");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    List<String> problems = new java.util.ArrayList<>();
    json(r)
        .get("detail")
        .forEach(
            p ->
                problems.add(
                    p.path("line").asInt()
                        + ": "
                        + p.path("path").asText("")
                        + ": "
                        + p.path("message").asText()));
    assertThat(problems)
        .anySatisfy(m -> assertThat(m).startsWith("6: spec.concurrency_policy").contains("allow"))
        .anySatisfy(m -> assertThat(m).startsWith("7: spec.max_concurrent_runs").contains("1"))
        .anySatisfy(m -> assertThat(m).startsWith("8: spec.history_limit").contains("0"));
    assertThat(store.resourceVersion()).as("nothing written").isEqualTo(emptyVersion);

    JsonNode ok =
        apply(
            yaml.replace("sometimes", "forbid")
                .replace("max_concurrent_runs: 0", "max_concurrent_runs: 2")
                .replace("-1", "5"),
            "");
    assertThat(ok.get("status").asText()).isEqualTo("success");
    dev.gryt.crds.Job stored = store.get(dev.gryt.crds.Job.class, "default", "j").orElseThrow();
    assertThat(stored.getSpec().concurrencyPolicy).isEqualTo("forbid");
    assertThat(stored.getSpec().maxConcurrentRuns).isEqualTo(2);
    assertThat(stored.getSpec().historyLimit).isEqualTo(5);
  }

  @Test
  void watchLongPollsForEventsAfterAVersion() throws Exception {
    long before = store.resourceVersion();
    apply(Files.readString(Path.of(INFRA)), "");

    JsonNode data = json(get("/api/v1/watch?after=" + before + "&kind=jobs")).get("data");
    assertThat(data.get("events")).hasSize(1);
    assertThat(data.get("events").get(0).get("object").get("metadata").get("name").asText())
        .isEqualTo("my-app-ci");
    long position = data.get("resource_version").asLong();

    JsonNode quiet =
        json(get("/api/v1/watch?after=" + store.resourceVersion() + "&timeout_seconds=1"))
            .get("data");
    assertThat(quiet.get("events")).isEmpty();

    assertThat(get("/api/v1/watch?after=x").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/watch?kind=nope").statusCode()).isEqualTo(400);
    assertThat(position).isGreaterThan(before);
  }

  @TestFactory
  Stream<DynamicTest> everyBrokenManifestIsRefusedWithItsProblemsAndWritesNothing() {
    return BadManifestCorpus.all().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      HttpResponse<String> r =
                          send(
                              HttpRequest.newBuilder(uri("/api/v1/apply"))
                                  .header("Content-Type", "application/yaml")
                                  .POST(HttpRequest.BodyPublishers.ofByteArray(c.content())));
                      JsonNode reply = json(r);
                      assertThat(reply.get("status").asText()).isEqualTo("error");
                      if (c.content().length > BodyLimit.MAX_API_BYTES) {
                        // Refused by its declared length before the parser reads a byte.
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
                        assertThat(r.body()).contains("the limit is 4 MiB");
                      } else {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
                        List<String> problems = new java.util.ArrayList<>();
                        reply
                            .get("detail")
                            .forEach(
                                p ->
                                    problems.add(
                                        p.path("line").asInt()
                                            + ": "
                                            + p.path("path").asText("")
                                            + ": "
                                            + p.path("message").asText()));
                        assertThat(problems)
                            .anySatisfy(
                                m ->
                                    assertThat(m)
                                        .startsWith(c.expectedLine() + ": ")
                                        .contains(c.expectedFragment()));
                      }
                      assertThat(store.resourceVersion())
                          .as("nothing written")
                          .isEqualTo(emptyVersion);
                    }));
  }

  @TestFactory
  Stream<DynamicTest> everyExampleApplies() throws IOException {
    try (Stream<Path> files = Files.list(examples())) {
      List<Path> yamls = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yamls).isNotEmpty();
      return yamls.stream()
          .map(
              f ->
                  DynamicTest.dynamicTest(
                      f.getFileName().toString(),
                      () -> {
                        JsonNode reply = apply(Files.readString(f), "");
                        assertThat(reply.get("status").asText()).isEqualTo("success");
                      }));
    }
  }

  // --- helpers

  JsonNode apply(String yaml, String query) throws Exception {
    HttpResponse<String> r = post("/api/v1/apply" + query, body(yaml), "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  List<JsonNode> list(String path) throws Exception {
    JsonNode items = json(get("/api/v1/" + path)).get("data").get("items");
    return items == null ? List.of() : List.copyOf(iterable(items));
  }

  private static List<JsonNode> iterable(JsonNode array) {
    java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  static String body(String yaml) {
    return ResourceCodec.toJson(Map.of("yaml_content", yaml));
  }

  HttpResponse<String> post(String path, String body, String contentType) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return ResourceCodec.json().readTree(r.body());
  }

  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no examples/ folder above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("examples");
  }
}
