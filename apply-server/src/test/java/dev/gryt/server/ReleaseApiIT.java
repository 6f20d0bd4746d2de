package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generations and evolutions over real HTTP on a SQLite store; {@link ReleaseApiPostgresIT} runs
 * the same on PostgreSQL. The header {@code X-Test-Account} picks the caller's account, standing in
 * for the real authenticator.
 */
class ReleaseApiIT {
  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    store = StoreFactory.open(storeUrl());
    server =
        ApiServer.start(
            store,
            "127.0.0.1",
            0,
            new dev.gryt.server.auth.ServerSecurity(
                ctx -> {
                  String account = ctx.header("X-Test-Account");
                  (account == null
                          ? Principal.ADMIN
                          : new Principal(account, account, account + "-"))
                      .attachTo(ctx);
                },
                null,
                null));
  }

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  record Reply(int status, JsonNode body) {
    JsonNode data() {
      return body.get("data");
    }
  }

  Reply call(String method, String path, String json, String account) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (account != null) {
      b.header("X-Test-Account", account);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), ResourceCodec.json().readTree(r.body()));
  }

  Reply call(String method, String path, String json) throws Exception {
    return call(method, path, json, null);
  }

  static final String V1 =
      """
      {"version":"1.0.0","description":"first",
       "changes":[{"id":"AUTH-1","type":"add","title":"login"},
                  {"id":"AUTH-2","type":"fix","title":"logout","description":"x"}]}""";

  @Test
  void createsListsUpdatesAndDeletesGenerationsInTheEnvelope() throws Exception {
    Reply created = call("POST", "/api/v1/generations", V1);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("success");
    String id = created.data().get("id").asText();
    assertThat(id).startsWith("gen-");
    assertThat(created.data().get("version").asText()).isEqualTo("v1.0.0");
    assertThat(created.data().get("changes")).hasSize(2);

    assertThat(call("GET", "/api/v1/generations", null).data().get("total").asInt()).isEqualTo(1);
    assertThat(call("GET", "/api/v1/generations?version=v1.0.0", null).data().get("items"))
        .hasSize(1);
    assertThat(call("GET", "/api/v1/generations/v1.0.0", null).data().get("id").asText())
        .isEqualTo(id);

    Reply renamed = call("PATCH", "/api/v1/generations/" + id, "{\"version\":\"v1.0.1\"}");
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.data().get("version").asText()).isEqualTo("v1.0.1");
    assertThat(renamed.data().get("changes")).hasSize(2);

    Reply duplicate = call("POST", "/api/v1/generations", V1.replace("1.0.0", "v1.0.1"));
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.body().get("message").asText()).contains("v1.0.1", id);

    assertThat(call("DELETE", "/api/v1/generations/" + id, null).status()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/generations/" + id, null).status()).isEqualTo(404);
  }

  @Test
  void listsEveryProblemOfABadGenerationAndNever500s() throws Exception {
    Reply bad =
        call(
            "POST",
            "/api/v1/generations",
            """
            {"version":"1.0","changes":[{"id":"auth_1","type":"feat"},{"id":"A-1","type":"add","title":"t","x":1}],"extra":true}""");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body().get("status").asText()).isEqualTo("error");
    assertThat(bad.body().get("detail").findValuesAsText("path"))
        .contains(
            "version",
            "changes[0].id",
            "changes[0].type",
            "changes[0].title",
            "changes[1].x",
            "extra");

    assertThat(call("POST", "/api/v1/generations", "not json").status()).isEqualTo(400);
    assertThat(call("POST", "/api/v1/generations", "[1]").status()).isEqualTo(400);
    assertThat(call("POST", "/api/v1/generations", null).status()).isEqualTo(400);
    assertThat(call("POST", "/api/v1/generations", "{\"version\":7}").status()).isEqualTo(422);
    assertThat(call("PATCH", "/api/v1/generations/gen-nope", "{}").status()).isEqualTo(404);
    assertThat(call("POST", "/api/v1/evolutions", "{\"status\":\"maybe\"}").status())
        .isEqualTo(422);
    assertThat(call("GET", "/api/v1/evolutions/evo-nope", null).status()).isEqualTo(404);
  }

  @Test
  void aPromotionThatSaysNoTimeIsStampedByTheServersClock() throws Exception {
    server.close();
    Instant at = Instant.parse("2031-05-06T07:08:09Z");
    server =
        ApiServer.start(
            store,
            "127.0.0.1",
            0,
            ServerSecurity.TRUST_LOOPBACK,
            new ApiServer.RunSettings(Clock.fixed(at, ZoneOffset.UTC), 1_000_000));
    String id =
        call("POST", "/api/v1/generations", "{\"version\":\"2.0.0\",\"changes\":[]}")
            .data()
            .get("id")
            .asText();

    Reply promoted = call("POST", "/api/v1/generations/" + id + "/promote", null);

    assertThat(promoted.status()).isEqualTo(200);
    assertThat(promoted.data().get("promoted_at").asText()).isEqualTo("2031-05-06T07:08:09Z");
    assertThat(promoted.data().get("promoted_by").asText()).isEqualTo("admin");
  }

  @Test
  void promotesOnlyWhenEveryChangeIsProvenThenIsImmutable() throws Exception {
    String id = call("POST", "/api/v1/generations", V1).data().get("id").asText();
    Reply evolution =
        call(
            "POST",
            "/api/v1/evolutions",
            "{\"generation_id\":\""
                + id
                + "\",\"change_id\":\"AUTH-1\",\"code_name\":\"smooth-summer-horizon\",\"status\":\"pass\"}");
    assertThat(evolution.status()).isEqualTo(201);
    assertThat(
            call(
                    "POST",
                    "/api/v1/evolutions",
                    "{\"generation_id\":\""
                        + id
                        + "\",\"change_id\":\"NOPE-1\",\"code_name\":\"a-b\"}")
                .body()
                .get("detail")
                .findValuesAsText("path"))
        .containsExactly("change_id");

    Reply refused = call("POST", "/api/v1/generations/" + id + "/promote", "{}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("message").asText()).contains("AUTH-2").doesNotContain("AUTH-1");

    String failing =
        call(
                "POST",
                "/api/v1/evolutions",
                "{\"generation_id\":\""
                    + id
                    + "\",\"change_id\":\"AUTH-2\",\"code_name\":\"quiet-river-stone\"}")
            .data()
            .get("id")
            .asText();
    assertThat(
            call("GET", "/api/v1/evolutions?generation_id=" + id, null).data().get("total").asInt())
        .isEqualTo(2);
    assertThat(call("GET", "/api/v1/evolutions?generation_id=" + id, null).data().get("evolutions"))
        .as("the documented list shape: data.evolutions")
        .hasSize(2);
    call("PATCH", "/api/v1/evolutions/" + failing, "{\"status\":\"pass\"}");

    Reply promoted =
        call("POST", "/api/v1/generations/" + id + "/promote", "{\"promoted_by\":\"ann\"}");
    assertThat(promoted.status()).isEqualTo(200);
    assertThat(promoted.data().get("status").asText()).isEqualTo("promoted");
    assertThat(promoted.data().get("promoted_by").asText()).isEqualTo("ann");
    assertThat(call("PATCH", "/api/v1/generations/" + id, "{\"description\":\"x\"}").status())
        .isEqualTo(409);
    assertThat(call("DELETE", "/api/v1/generations/" + id, null).status()).isEqualTo(409);
    assertThat(call("PATCH", "/api/v1/evolutions/" + failing, "{\"status\":\"fail\"}").status())
        .isEqualTo(409);
  }

  @Test
  void anotherAccountsGenerationsAreNotFoundAndNeverListed() throws Exception {
    String id = call("POST", "/api/v1/generations", V1, "acct-a").data().get("id").asText();
    assertThat(call("POST", "/api/v1/generations", V1, "acct-b").status())
        .as("versions are unique per account")
        .isEqualTo(201);
    assertThat(call("GET", "/api/v1/generations/" + id, null, "acct-b").status()).isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/generations/" + id, null, "acct-b").status()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/generations", null, "acct-b").data().get("items"))
        .extracting(n -> n.get("id").asText())
        .doesNotContain(id);
    assertThat(
            call(
                    "POST",
                    "/api/v1/evolutions",
                    "{\"generation_id\":\""
                        + id
                        + "\",\"change_id\":\"AUTH-1\",\"code_name\":\"a-b\"}",
                    "acct-b")
                .status())
        .isEqualTo(422);
  }

  /** A generation exactly as the original gryt client's {@code sync push} posts it. */
  static final String CLIENT_GENERATION =
      """
      {"generation_id": 3, "version": "v2.1.0", "description": "from the old client",
       "changes": [
         {"id": "CHANGE-3790A31F", "type": "add", "title": "login", "description": "d",
          "status": "pending", "pipeline": "ci", "pipelines": ["ci", "e2e"]},
         {"id": "CHANGE-0B1C", "type": "fix", "title": "logout", "description": null,
          "status": "completed", "pipeline": null}],
       "pipeline_template": {"steps": [{"name": "test", "command": "make test"}]},
       "status": "promoted", "sync_status": "pending", "remote_id": null,
       "created_at": "2026-11-30T10:00:00", "promoted_at": null, "team_id": null}""";

  @Test
  void takesTheOriginalClientsGenerationsAndEvolutionsAndShowsThemBack() throws Exception {
    Reply created = call("POST", "/api/v1/generations", CLIENT_GENERATION);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    JsonNode g = created.data();
    String id = g.get("id").asText();
    assertThat(g.get("status").asText()).as("the server decides the status").isEqualTo("draft");
    assertThat(g.get("client_id").asText()).isEqualTo("3");
    assertThat(g.get("pipeline_template").at("/steps/0/command").asText()).isEqualTo("make test");
    JsonNode change = g.get("changes").get(0);
    assertThat(change.get("id").asText()).isEqualTo("CHANGE-3790A31F");
    assertThat(change.get("status").asText()).isEqualTo("pending");
    assertThat(change.get("pipeline").asText()).isEqualTo("ci");
    assertThat(change.get("pipelines")).extracting(JsonNode::asText).containsExactly("ci", "e2e");

    Reply patched =
        call(
            "PATCH",
            "/api/v1/generations/" + id,
            CLIENT_GENERATION.replace("from the old client", "edited").replace("3,", "\"3\","));
    assertThat(patched.status()).as(patched.body().toString()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/generations/v2.1.0", null).data().get("description").asText())
        .isEqualTo("edited");

    Reply evolution =
        call(
            "POST",
            "/api/v1/evolutions",
            """
            {"evolution_id": 11, "generation_id": "%s", "change_id": "CHANGE-3790A31F",
             "code_name": "brave-amber-falcon", "tag": "v2.1.0-rc.1", "status": "in_progress",
             "pipeline_run_id": null, "created_by": "ann"}"""
                .formatted(id));
    assertThat(evolution.status()).as(evolution.body().toString()).isEqualTo(201);
    String evo = evolution.data().get("id").asText();
    Reply done =
        call(
            "PATCH",
            "/api/v1/evolutions/" + evo,
            """
            {"status": "passed", "pipeline_run_id": "9f1c2d3e-run",
             "completed_at": "2026-11-30T10:05:00Z"}""");
    assertThat(done.status()).as(done.body().toString()).isEqualTo(200);
    JsonNode read = call("GET", "/api/v1/evolutions/" + evo, null).data();
    assertThat(read.get("status").asText()).isEqualTo("pass");
    assertThat(read.get("client_id").asText()).isEqualTo("11");
    assertThat(read.get("tag").asText()).isEqualTo("v2.1.0-rc.1");
    assertThat(read.get("pipeline_run_id").asText()).isEqualTo("9f1c2d3e-run");
    assertThat(read.get("created_by").asText()).isEqualTo("ann");
    assertThat(read.get("completed_at").asText()).isEqualTo("2026-11-30T10:05:00Z");

    Reply bad =
        call(
            "POST",
            "/api/v1/generations",
            """
            {"version": "v2.2.0", "generation_id": {"x": 1}, "sync_status": [1],
             "pipeline_template": 5, "changes": [{"id": "CHANGE 1", "type": "add", "title": "t",
             "pipelines": "ci"}], "colour": "red"}""");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body().get("detail").findValuesAsText("path"))
        .containsExactlyInAnyOrder(
            "generation_id",
            "sync_status",
            "pipeline_template",
            "changes[0].id",
            "changes[0].pipelines",
            "colour");
  }

  static final String PROOF_RUN =
      """
      {"pipeline_run": {"pipeline_id": "run-7f3a", "name": "ci", "start_timestamp": 1764496800.5,
        "end_timestamp": "2026-11-30T10:01:00", "status": "completed",
        "config_json": "{\\"steps\\": 1}", "team_id": null},
       "runners": [{"runner_id": "r1", "pipeline_id": "run-7f3a", "name": "main",
        "execution_order": 0, "status": "completed"}],
       "step_outputs": [{"step_id": "s1", "runner_id": "r1", "name": "test",
        "output_json": {"exit": 0}, "stdout": "ok\\nGITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\\n",
        "stderr": "", "status": "completed", "duration": 1.25, "timestamp": "2026-11-30T10:00:30"}]}""";

  @Test
  void keepsUploadedProofRunsPerAccountMaskedAndReadsThemBack() throws Exception {
    Reply stored = call("POST", "/api/v1/pipeline-runs", PROOF_RUN, "acct-a");
    assertThat(stored.status()).as(stored.body().toString()).isEqualTo(201);
    assertThat(call("POST", "/api/v1/pipeline-runs", PROOF_RUN, "acct-a").status())
        .as("the same run again replaces it")
        .isEqualTo(200);

    JsonNode run = call("GET", "/api/v1/pipeline-runs/run-7f3a", null, "acct-a").data();
    assertThat(run.at("/pipeline_run/name").asText()).isEqualTo("ci");
    assertThat(run.at("/runners/0/runner_id").asText()).isEqualTo("r1");
    assertThat(run.at("/step_outputs/0/output_json/exit").asInt()).isZero();
    String stdout = run.at("/step_outputs/0/stdout").asText();
    assertThat(stdout).startsWith("ok\n").contains("GITHUB_TOKEN=***").doesNotContain("ghp_");
    assertThat(call("GET", "/api/v1/pipeline-runs", null, "acct-a").data().get("pipeline_runs"))
        .extracting(n -> n.get("pipeline_id").asText())
        .containsExactly("run-7f3a");

    assertThat(call("GET", "/api/v1/pipeline-runs/run-7f3a", null, "acct-b").status())
        .as("another account's run")
        .isEqualTo(404);
    assertThat(call("GET", "/api/v1/pipeline-runs", null, "acct-b").data().get("total").asInt())
        .isZero();

    Reply bad =
        call(
            "POST",
            "/api/v1/pipeline-runs",
            """
            {"pipeline_run": {"name": 5, "status": "x", "colour": 1},
             "runners": [{"runner_id": "r1", "execution_order": "first"}, {"runner_id": "r1"}],
             "step_outputs": [{"step_id": "s1", "runner_id": "r9", "stdout": 3, "duration": "1s"},
              "nope"],
             "extra": 1}""",
            "acct-a");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body().get("detail").findValuesAsText("path"))
        .containsExactlyInAnyOrder(
            "extra",
            "pipeline_run.colour",
            "pipeline_run.pipeline_id",
            "pipeline_run.name",
            "runners[0].execution_order",
            "runners[1].runner_id",
            "step_outputs[0].runner_id",
            "step_outputs[0].stdout",
            "step_outputs[0].duration",
            "step_outputs[1]");

    String huge = "x".repeat(ProofRunHandler.MAX_STORED_BYTES);
    Reply tooBig =
        call(
            "POST",
            "/api/v1/pipeline-runs",
            PROOF_RUN.replace("\"stderr\": \"\"", "\"stderr\": \"" + huge + "\""),
            "acct-a");
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(
            call("GET", "/api/v1/pipeline-runs/run-7f3a", null, "acct-a")
                .data()
                .at("/step_outputs/0/stderr")
                .asText())
        .as("the refused upload changed nothing")
        .isEmpty();
  }
}
