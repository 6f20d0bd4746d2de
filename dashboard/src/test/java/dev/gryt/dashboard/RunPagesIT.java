package dev.gryt.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.agent.RunReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs page and a run's page over real HTTP: what a tenant sees of its own runs and not of
 * another's, logs as text, live logs over server-sent events, cancel and retry behind CSRF.
 */
class RunPagesIT {
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
      spec: {git_url: "https://github.com/acme/app"}
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata: {name: ci, labels: {team: "<b>x</b>"}}
      spec: {pipeline_name: build, github_repo_name: app, description: "<img src=x onerror=alert(1)>"}
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: hook}
      spec: {job_name: ci}
      """;

  @TempDir Path dir;
  DashboardServer gryt;
  DashboardServer.Browser alice;

  @BeforeEach
  void start() throws Exception {
    gryt = new DashboardServer(dir);
    gryt.account("alice");
    gryt.account("mallory");
    gryt.apply("alice", MANIFEST);
    gryt.apply("mallory", MANIFEST);
    alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
  }

  @AfterEach
  void stop() {
    gryt.close();
  }

  /** Starts a run of ci as {@code user} through the API; returns its id. */
  String startRun(String user, String branch) throws Exception {
    HttpResponse<String> r =
        gryt.api("POST", "/api/v1/jobs/ci/run", "{\"ref\":\"" + branch + "\"}", user);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new ObjectMapper().readTree(r.body()).at("/data/run_id").asText();
  }

  /** What an agent's report does: the run's phase and steps, and its output, in one write. */
  void report(String runId, String phase, String step, Integer exit, String text) {
    JobRun run = (JobRun) gryt.store.getById(runId).orElseThrow();
    if (run.getStatus() == null) {
      run.setStatus(new JobRunStatus());
    }
    run.getStatus().phase = phase;
    JobRunStatus.StepStatus s = new JobRunStatus.StepStatus();
    s.name = step;
    s.state = exit == null ? "running" : exit == 0 ? "succeeded" : "failed";
    s.exitCode = exit;
    run.getStatus().steps = List.of(s);
    gryt.store
        .runLogs()
        .report(run, 1, List.of(new RunReport.LogText(step, text)), 1_000_000, 10_000_000);
  }

  @Test
  void theRunsPageListsTheAccountsRunsNewestFirstWithTheirPhase() throws Exception {
    String first = startRun("alice", "main");
    gryt.clock.advance(java.time.Duration.ofSeconds(5));
    String second = startRun("alice", "feature/x");
    report(first, "Failed", "test", 2, "boom\n");
    String mine = startRun("mallory", "main");

    HttpResponse<String> page = alice.get("/runs");
    assertThat(page.statusCode()).isEqualTo(200);
    String html = page.body();
    assertThat(html).contains("id=\"runs\"");
    assertThat(html.indexOf("data-run=\"" + second + "\""))
        .isPositive()
        .isLessThan(html.indexOf("data-run=\"" + first + "\""));
    assertThat(html).contains("data-phase=\"Failed\"").doesNotContain(mine);
    assertThat(html).contains("<td class=\"started-by\">alice</td>");
    assertThat(alice.get("/runs/" + first).body())
        .contains("id=\"run-started-by\">alice<")
        .contains("id=\"run-branch\">main<");

    assertThat(alice.get("/runs?phase=Failed").body()).contains(first).doesNotContain(second);
    assertThat(alice.get("/runs?branch=feature/x").body()).contains(second).doesNotContain(first);
    assertThat(alice.get("/runs?job=nope").body()).contains("id=\"no-runs\"");
    String fragment = alice.get("/runs?fragment=1").body();
    assertThat(fragment).startsWith("<div id=\"runs-table\"").contains(second);
  }

  @Test
  void badFiltersAreRefusedListingEveryProblem() throws Exception {
    HttpResponse<String> bad = alice.get("/runs?phase=Exploded&page=0");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body())
        .contains("phase: must be one of")
        .contains("page must be a whole number");
    assertThat(alice.get("/runs?job=" + "j".repeat(300)).statusCode()).isEqualTo(400);
    assertThat(alice.get("/runs/run-doesnotexist").statusCode()).isEqualTo(404);
    assertThat(alice.get("/runs/" + "r".repeat(300)).statusCode()).isEqualTo(404);
    String run = startRun("alice", "main");
    assertThat(alice.get("/runs/" + run + "/log-stream?after=-1").statusCode()).isEqualTo(400);
  }

  @Test
  void anotherTenantsRunIsANotFoundPageAndCannotBeActedOn() throws Exception {
    String theirs = startRun("mallory", "main");
    HttpResponse<String> page = alice.get("/runs/" + theirs);
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).contains("id=\"error\"").contains("Not found");
    assertThat(alice.get("/runs/" + theirs + "/log.txt").statusCode()).isEqualTo(404);
    assertThat(alice.get("/runs/" + theirs + "/log-stream").statusCode()).isEqualTo(404);
    String csrf = alice.csrf("/runs");
    assertThat(alice.post("/runs/" + theirs + "/cancel", Map.of("csrf", csrf)).statusCode())
        .isEqualTo(404);
    assertThat(alice.post("/runs/" + theirs + "/retry", Map.of("csrf", csrf)).statusCode())
        .isEqualTo(404);
    JobRun untouched = (JobRun) gryt.store.getById(theirs).orElseThrow();
    assertThat(untouched.getSpec().cancelRequested).isNull();
    // By name, in alice's namespace: her view has no such run either.
    String name = untouched.getMetadata().getName();
    assertThat(alice.get("/runs/" + name).statusCode()).isEqualTo(404);
  }

  @Test
  void aLogLineWithMarkupIsShownAsTextWithAnsiColoursAndNumberedAnchors() throws Exception {
    String run = startRun("alice", "main");
    report(
        run,
        "Running",
        "test",
        null,
        "first\n\u001b[31m<script>alert(1)</script>\u001b[0m & done\n");
    String html = alice.get("/runs/" + run).body();
    assertThat(html)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)</script>")
        .contains("<li id=\"L1\"")
        .contains("<li id=\"L2\"")
        .contains("href=\"#L2\"")
        .contains("class=\"ansi-fg-1\"")
        .contains(" &amp; done")
        .contains("id=\"log\"");
    // Tenant-controlled labels and descriptions elsewhere are escaped too.
    assertThat(alice.get("/jobs/ci").body())
        .doesNotContain("<img src=x")
        .contains("&lt;img src=x onerror=alert(1)&gt;");

    HttpResponse<String> raw = alice.get("/runs/" + run + "/log.txt");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(raw.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"" + run + ".log\"");
    assertThat(raw.body())
        .isEqualTo("first\n\u001b[31m<script>alert(1)</script>\u001b[0m & done\n");
  }

  /**
   * A log larger than a page: the run page holds its first page and a link to the next; each page
   * goes on where the last ended (chunks whole, lines numbered on), until the last has no link.
   */
  @Test
  void aLongLogOpensAtItsFirstPageAndPagesThroughTheRest() throws Exception {
    String run = startRun("alice", "main");
    String line = "x".repeat(99) + "\n";
    for (int report = 0; report < 40; report++) {
      report(run, "Running", "test", null, line.repeat(100));
    }
    report(run, "Succeeded", "test", 0, "last line\n");
    java.util.regex.Pattern next = java.util.regex.Pattern.compile("data-fragment=\"([^\"]+)\"");

    String first = alice.get("/runs/" + run).body();
    assertThat(first).contains("id=\"L1\"").contains("id=\"L2600\"").doesNotContain("id=\"L2601\"");
    assertThat(first.length()).as("one page, not the whole log").isLessThan(700_000);
    var link = next.matcher(first);
    assertThat(link.find()).as("a link to the next page").isTrue();
    assertThat(first).contains("Next page of the log (from line 2601)");

    String second = alice.get(link.group(1).replace("&amp;", "&")).body();
    assertThat(second)
        .startsWith("<ol id=\"log-page\"")
        .contains("id=\"L2601\"")
        .contains("id=\"L4000\"")
        .contains("id=\"L4001\"")
        .contains("last line")
        .doesNotContain("id=\"L2600\"")
        .doesNotContain("data-fragment");
    assertThat(alice.get("/runs/" + run + "?after=26&line=2601").body())
        .as("without script, the same page in the run page")
        .contains("id=\"log-earlier\"")
        .contains("id=\"L2601\"")
        .doesNotContain("id=\"L2600\"");
    HttpResponse<String> bad = alice.get("/runs/" + run + "?after=-1&line=0");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("after").contains("line");
  }

  @Test
  void aRunningRunsLogStreamsLineByLineUntilTheRunEnds() throws Exception {
    String run = startRun("alice", "main");
    report(run, "Running", "test", null, "one\n");
    String page = alice.get("/runs/" + run).body();
    assertThat(page).contains("data-live=\"true\"");
    String stream =
        java.util.regex.Pattern.compile("data-stream=\"([^\"]+)\"")
            .matcher(page)
            .results()
            .findFirst()
            .orElseThrow()
            .group(1)
            .replace("&amp;", "&");
    HttpResponse<java.io.InputStream> sse =
        alice.http.send(
            HttpRequest.newBuilder(gryt.uri(stream)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<String> received = new ArrayList<>();
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (received) {
                    received.add(line);
                  }
                }
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    report(run, "Running", "test", null, "two <b>\n");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () -> {
              synchronized (received) {
                return String.join("\n", received).contains("two &lt;b&gt;");
              }
            });
    report(run, "Succeeded", "test", 0, "three\n");
    reading.get(30, TimeUnit.SECONDS);
    String all = String.join("\n", received);
    assertThat(all)
        .doesNotContain(">one<")
        .contains("id=\"L2\"")
        .contains("id=\"L3\"")
        .contains("event: end")
        .contains("data: Succeeded");
    assertThat(all.indexOf("id=\"L2\"")).isLessThan(all.indexOf("id=\"L3\""));
  }

  @Test
  void cancelAndRetryNeedTheCsrfTokenAndTheRightPhase() throws Exception {
    String run = startRun("alice", "main");
    report(run, "Running", "test", null, "working\n");
    String page = alice.get("/runs/" + run).body();
    assertThat(page).contains("id=\"cancel\"").doesNotContain("id=\"retry\"");
    assertThat(alice.post("/runs/" + run + "/cancel", Map.of()).statusCode()).isEqualTo(403);
    assertThat(((JobRun) gryt.store.getById(run).orElseThrow()).getSpec().cancelRequested).isNull();
    String csrf = DashboardServer.hidden(page, "csrf");
    assertThat(alice.post("/runs/" + run + "/retry", Map.of("csrf", csrf)).statusCode())
        .as("a running run is not retried")
        .isEqualTo(409);
    HttpResponse<String> cancel = alice.post("/runs/" + run + "/cancel", Map.of("csrf", csrf));
    assertThat(cancel.statusCode()).isEqualTo(303);
    assertThat(((JobRun) gryt.store.getById(run).orElseThrow()).getSpec().cancelRequested).isTrue();

    report(run, "Cancelled", "test", 143, "stopped\n");
    assertThat(alice.post("/runs/" + run + "/cancel", Map.of("csrf", csrf)).statusCode())
        .isEqualTo(409);
    assertThat(alice.post("/runs/" + run + "/retry", Map.of()).statusCode()).isEqualTo(403);
    HttpResponse<String> retry = alice.post("/runs/" + run + "/retry", Map.of("csrf", csrf));
    assertThat(retry.statusCode()).isEqualTo(303);
    String newRun =
        retry.headers().firstValue("Location").orElseThrow().substring("/runs/".length());
    JobRun retried = (JobRun) gryt.store.getById(newRun).orElseThrow();
    assertThat(retried.getSpec().retryOf).isEqualTo(run);
    assertThat(retried.getSpec().trigger).isEqualTo("retry");
    assertThat(alice.get("/runs/" + newRun).body()).contains("Retry of");
  }
}
