package dev.gryt.server.auth;

import static dev.gryt.server.auth.AccountsApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.agent.RunReport;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's log paged by cursor and downloaded raw, over real HTTP and accounts and a real SQLite
 * store ({@link StepLogsPostgresIT}: PostgreSQL). The 50 MB log through a real agent is {@code
 * LargeStepLogIT} in the cli module.
 */
class StepLogsIT {
  static final String MANIFEST =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata: {name: build}
      spec:
        steps: [{name: test, command: "echo ok"}]
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata: {name: ci}
      spec: {pipeline_name: build}
      """;

  @TempDir Path dir;
  ResourceStore store;
  AccountsApi api;
  String alice;
  String bob;
  String runId;

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() throws Exception {
    store = StoreFactory.open(storeUrl());
    api = new AccountsApi(store);
    alice = api.signUp("alice", AuthIT.PASSWORD_A);
    bob = api.signUp("bob", AuthIT.PASSWORD_B);
    api.apply(MANIFEST, alice);
    api.apply(MANIFEST, bob);
    HttpResponse<String> started = api.send("POST", "/api/v1/jobs/ci/run", "", alice);
    runId = json(started).at("/data/run_id").asText();
    // What an agent's reports write: three reports of the step, one of another step between.
    JobRun run = (JobRun) store.getById(runId).orElseThrow();
    run.setStatus(new JobRunStatus());
    run.getStatus().phase = "Running";
    for (int report = 0; report < 3; report++) {
      StringBuilder text = new StringBuilder();
      for (int line = 1; line <= 10; line++) {
        text.append("line ").append(report * 10 + line).append(" <b>&</b>\n");
      }
      run =
          store
              .runLogs()
              .report(
                  run,
                  1,
                  List.of(
                      new RunReport.LogText("test", text.toString()),
                      new RunReport.LogText("other", "elsewhere\n")),
                  1_000_000,
                  Long.MAX_VALUE);
    }
  }

  @AfterEach
  void stop() {
    api.close();
    store.close();
  }

  @Test
  void pagesFollowTheCursorWithTotalsAndTheLineEachStartsAt() throws Exception {
    String base = "/api/v1/runs/" + runId + "/steps/test/log";
    JsonNode first = json(api.send("GET", base + "?limit=2", "", alice)).get("data");

    assertThat(first.path("total_chunks").asLong()).isEqualTo(3);
    assertThat(first.path("total_lines").asLong()).isEqualTo(30);
    assertThat(first.path("first_line").asLong()).isEqualTo(1);
    assertThat(first.path("chunks")).hasSize(2);
    assertThat(first.at("/chunks/0/text").asText()).startsWith("line 1 <b>&</b>\n");

    JsonNode second =
        json(api.send("GET", base + "?limit=2&after=" + first.path("next").asLong(), "", alice))
            .get("data");
    assertThat(second.path("first_line").asLong()).isEqualTo(21);
    assertThat(second.path("chunks")).hasSize(1);
    assertThat(second.at("/chunks/0/text").asText()).startsWith("line 21 ");
    assertThat(second.path("total_chars").asLong()).isEqualTo(first.path("total_chars").asLong());

    JsonNode beyond =
        json(api.send("GET", base + "?after=" + second.path("next").asLong(), "", alice))
            .get("data");
    assertThat(beyond.path("chunks")).isEmpty();
    assertThat(beyond.path("first_line").asLong()).isEqualTo(31);
  }

  @Test
  void theRawLogIsTheStepsTextAlone() throws Exception {
    HttpResponse<String> raw =
        api.send("GET", "/api/v1/runs/" + runId + "/steps/test/log/raw", "", alice);

    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(raw.body().lines()).hasSize(30).first().isEqualTo("line 1 <b>&</b>");
    assertThat(raw.body()).doesNotContain("elsewhere").endsWith("line 30 <b>&</b>\n");
  }

  @Test
  void badPagingIsRefusedListingEveryProblem() throws Exception {
    HttpResponse<String> refused =
        api.send(
            "GET",
            "/api/v1/runs/" + runId + "/steps/test/log?after=-1&limit=abc&max_chars=0",
            "",
            alice);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).get("detail"))
        .extracting(p -> p.path("path").asText())
        .containsExactly("after", "limit", "max_chars");
    assertThat(
            api.send("GET", "/api/v1/runs/" + runId + "/steps/test/log?limit=51", "", alice)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void anotherAccountsRunLogIsNotFound() throws Exception {
    for (String path :
        new String[] {
          "/api/v1/runs/" + runId + "/steps/test/log",
          "/api/v1/runs/" + runId + "/steps/test/log/raw"
        }) {
      HttpResponse<String> refused = api.send("GET", path, "", bob);
      assertThat(refused.statusCode()).as(path).isEqualTo(404);
      assertThat(refused.body()).doesNotContain("line 1");
      assertThat(api.send("GET", path, "", null).statusCode()).isEqualTo(401);
    }
  }
}
