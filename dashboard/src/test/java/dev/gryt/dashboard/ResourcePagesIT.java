package dev.gryt.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gryt.crds.JobRun;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs, Pipelines, GitHubRepos, Webhooks, deliveries and releases pages over real HTTP: each the
 * signed-in account's view, empty states that teach, the Job's Run button and its bad input.
 */
class ResourcePagesIT {
  static final String MANIFEST =
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
      spec: {git_url: "https://github.com/acme/app", access_token: "ghp_NeverShownOnAnyPage0123"}
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata: {name: ci}
      spec: {pipeline_name: build, github_repo_name: app}
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: hook}
      spec: {job_name: ci, branches: [main]}
      """;

  @TempDir Path dir;
  DashboardServer gryt;
  DashboardServer.Browser alice;

  @BeforeEach
  void start() throws Exception {
    gryt = new DashboardServer(dir);
    gryt.account("alice");
    gryt.account("mallory");
    alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
  }

  @AfterEach
  void stop() {
    gryt.close();
  }

  @Test
  void withNothingAppliedEveryPageShowsTheApplyCommand() throws Exception {
    for (String page :
        new String[] {"/runs", "/jobs", "/pipelines", "/github-repos", "/webhooks"}) {
      HttpResponse<String> r = alice.get(page);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.body()).as(page).contains("id=\"empty\"").contains("gryt cloud apply -f");
    }
    assertThat(alice.get("/releases").body()).contains("id=\"empty\"").contains("gryt generation");
  }

  @Test
  void listsAndPagesShowReadyConditionsSpecEventsAndReferencesWithoutSecrets() throws Exception {
    gryt.apply("alice", MANIFEST);
    gryt.apply("mallory", MANIFEST.replace("name: build", "name: mallorys-build"));
    String jobs = alice.get("/jobs").body();
    assertThat(jobs).contains("id=\"resources\"").contains(">ci<").contains("data-ready=");
    assertThat(alice.get("/pipelines").body()).contains(">build<").doesNotContain("mallorys-build");

    String job = alice.get("/jobs/ci").body();
    assertThat(job)
        .contains("id=\"yaml\"")
        .contains("pipeline_name: build")
        .contains("id=\"run-job\"")
        .contains("id=\"events\"")
        .contains("Created");
    assertThat(job)
        .containsPattern("data-relation=\"pipeline\">pipeline: <a href=\"/pipelines/pipe-");
    assertThat(job).containsPattern("data-relation=\"webhook\"><a href=\"/webhooks/webhook-");
    String repo = alice.get("/github-repos/app").body();
    assertThat(repo)
        .contains("access_token_set: true")
        .doesNotContain("ghp_NeverShownOnAnyPage0123");
    assertThat(repo).containsPattern("data-relation=\"job\"><a href=\"/jobs/job-");
    assertThat(alice.get("/webhooks/hook").body()).contains("id=\"deliveries-link\"");

    String theirs =
        ((dev.gryt.crds.GrytResource<?, ?>)
                gryt.store.list(dev.gryt.crds.Pipeline.class, null, Map.of()).stream()
                    .filter(p -> p.getMetadata().getName().equals("mallorys-build"))
                    .findFirst()
                    .orElseThrow())
            .id();
    assertThat(alice.get("/pipelines/" + theirs).statusCode()).isEqualTo(404);
    assertThat(alice.get("/pipelines/nope").statusCode()).isEqualTo(404);
    assertThat(alice.get("/jobs/ci?namespace=" + "n".repeat(300)).statusCode()).isEqualTo(400);
  }

  @Test
  void theRunButtonStartsARunAndRefusesBadInput() throws Exception {
    gryt.apply("alice", MANIFEST);
    String page = alice.get("/jobs/ci").body();
    String csrf = DashboardServer.hidden(page, "csrf");
    assertThat(alice.post("/jobs/ci/run", Map.of("branch", "main")).statusCode()).isEqualTo(403);
    assertThat(alice.post("/jobs/ci/run", Map.of("csrf", csrf, "branch", "a\u0001b")).statusCode())
        .isEqualTo(400);
    assertThat(
            alice
                .post("/jobs/ci/run", Map.of("csrf", csrf, "branch", "b".repeat(256)))
                .statusCode())
        .isEqualTo(400);
    assertThat(gryt.store.list(JobRun.class, null, Map.of())).isEmpty();

    HttpResponse<String> started =
        alice.post("/jobs/ci/run", Map.of("csrf", csrf, "branch", "release/1"));
    assertThat(started.statusCode()).isEqualTo(303);
    String runId =
        started.headers().firstValue("Location").orElseThrow().substring("/runs/".length());
    JobRun run = (JobRun) gryt.store.getById(runId).orElseThrow();
    assertThat(run.getSpec().ref).isEqualTo("release/1");
    assertThat(run.getSpec().trigger).isEqualTo("manual");

    // Another tenant's Job cannot be run from alice's session.
    gryt.apply(
        "mallory",
        MANIFEST.replace("name: ci", "name: theirs").replace("job_name: ci", "job_name: theirs"));
    assertThat(alice.post("/jobs/theirs/run", Map.of("csrf", csrf)).statusCode()).isEqualTo(404);
  }

  @Test
  void theDeliveriesPageShowsEachDeliveryWithItsRunOrWhyItWasSkipped() throws Exception {
    gryt.apply("alice", MANIFEST);
    HttpResponse<String> hook = gryt.api("GET", "/api/v1/webhooks/hook", null, "alice");
    String url = new ObjectMapper().readTree(hook.body()).at("/data/url").asText();
    String triggered = deliver(url, "d-1", "refs/heads/main");
    deliver(url, "d-1", "refs/heads/main");
    deliver(url, "d-2", "refs/heads/<i>other</i>");

    String page = alice.get("/webhooks/hook/deliveries").body();
    assertThat(page).contains("id=\"deliveries\"");
    assertThat(page.split("class=\"delivery\"", -1)).as("the duplicate once").hasSize(3);
    assertThat(page)
        .contains("href=\"/runs/" + triggered + "\"")
        .contains("data-status=\"skipped\"");
    assertThat(page).doesNotContain("<i>other</i>").contains("&lt;i&gt;other&lt;/i&gt;");
    assertThat(page)
        .contains("<td class=\"branch\">main</td>")
        .contains("a".repeat(40))
        .contains("data-signature=\"not checked\"");

    // Redeliver: the triggered delivery's kept payload, replayed as a new run alice started.
    String delivery =
        java.util.regex.Pattern.compile("data-delivery=\"([^\"]+)\" data-status=\"triggered\"")
            .matcher(page)
            .results()
            .findFirst()
            .orElseThrow()
            .group(1);
    String action = "/webhooks/hook/deliveries/" + delivery + "/redeliver";
    String csrf = DashboardServer.hidden(page, "csrf");
    assertThat(alice.post(action, Map.of()).statusCode()).isEqualTo(403);
    assertThat(
            alice
                .post("/webhooks/hook/deliveries/dlv-nope/redeliver", Map.of("csrf", csrf))
                .statusCode())
        .isEqualTo(404);
    assertThat(
            alice
                .post(
                    "/webhooks/hook/deliveries/" + "d".repeat(200) + "/redeliver",
                    Map.of("csrf", csrf))
                .statusCode())
        .isEqualTo(404);
    HttpResponse<String> replayed = alice.post(action, Map.of("csrf", csrf));
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(303);
    String newRun =
        replayed.headers().firstValue("Location").orElseThrow().substring("/runs/".length());
    assertThat(newRun).isNotEqualTo(triggered);
    JobRun run = (JobRun) gryt.store.getById(newRun).orElseThrow();
    assertThat(run.getSpec().startedBy.account).isEqualTo("alice");
    assertThat(alice.get("/webhooks/hook/deliveries").body()).contains("redelivery of " + delivery);

    DashboardServer.Browser mallory = gryt.browser();
    mallory.signIn("mallory", DashboardServer.PASSWORD);
    assertThat(mallory.get("/webhooks/hook/deliveries").statusCode()).isEqualTo(404);
    String theirCsrf = mallory.csrf("/runs");
    assertThat(mallory.post(action, Map.of("csrf", theirCsrf)).statusCode()).isEqualTo(404);
  }

  @Test
  void releasesShowGenerationsWithTheirChangesProofAndPromotion() throws Exception {
    HttpResponse<String> generation =
        gryt.api(
            "POST",
            "/api/v1/generations",
            "{\"version\":\"v1.0.0\",\"description\":\"<b>first</b>\",\"changes\":[{\"id\":\"APP-1\",\"type\":\"add\",\"title\":\"login\"},{\"id\":\"APP-2\",\"type\":\"fix\",\"title\":\"crash\"}]}",
            "alice");
    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(201);
    String created = generation.body();
    String gen = new ObjectMapper().readTree(created).at("/data/id").asText();
    HttpResponse<String> evo =
        gryt.api(
            "POST",
            "/api/v1/evolutions",
            "{\"generation_id\":\""
                + gen
                + "\",\"change_id\":\"APP-1\",\"code_name\":\"bright-blue-fox\",\"status\":\"pass\"}",
            "alice");
    assertThat(evo.statusCode()).as(evo.body()).isEqualTo(201);
    String page = alice.get("/releases").body();
    assertThat(page)
        .contains("id=\"generations\"")
        .contains("v1.0.0")
        .contains("&lt;b&gt;first&lt;/b&gt;");
    assertThat(page).containsPattern("data-change=\"APP-1\" data-proven=\"true\"");
    assertThat(page).containsPattern("data-change=\"APP-2\" data-proven=\"false\"");
    assertThat(page).contains("no passing evolution").contains("data-promoted=\"false\"");

    DashboardServer.Browser mallory = gryt.browser();
    mallory.signIn("mallory", DashboardServer.PASSWORD);
    assertThat(mallory.get("/releases").body()).doesNotContain("v1.0.0").contains("id=\"empty\"");
  }

  private String deliver(String url, String id, String ref) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(gryt.uri(url))
                    .header("Content-Type", "application/json")
                    .header("X-GitHub-Event", "push")
                    .header("X-GitHub-Delivery", id)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"ref\":\"" + ref + "\",\"after\":\"" + "a".repeat(40) + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 202);
    return new ObjectMapper().readTree(r.body()).at("/data/run_id").asText();
  }
}
