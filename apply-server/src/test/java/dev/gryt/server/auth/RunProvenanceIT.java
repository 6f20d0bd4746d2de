package dev.gryt.server.auth;

import static dev.gryt.server.auth.AccountsApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.JobRun;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of starting a run records its provenance (trigger, event, branch, who or what started
 * it) from what the server saw, never from what the client claims; over real HTTP and a real SQLite
 * store ({@link RunProvenancePostgresIT}: PostgreSQL).
 */
class RunProvenanceIT {
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
      spec: {git_url: "https://github.com/acme/app", branch: trunk}
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

  @TempDir Path dir;
  ResourceStore store;
  AccountsApi api;
  String alice;
  AuthIT.Signer aliceKey;

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() throws Exception {
    store = StoreFactory.open(storeUrl());
    api = new AccountsApi(store);
    alice = api.signUp("alice", AuthIT.PASSWORD_A);
    aliceKey = api.key(alice);
    api.apply(MANIFEST, aliceKey);
  }

  @AfterEach
  void stop() {
    api.close();
    store.close();
  }

  @Test
  void aRunStartedWithAKeyNamesTheAccountTheKeyAndTheJobsBranch() throws Exception {
    HttpResponse<String> started = api.send("POST", "/api/v1/jobs/ci/run", "", aliceKey);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    JsonNode data = json(started).get("data");
    String keyId = aliceKey.key().id();
    assertThat(data.path("trigger").asText()).isEqualTo("manual");
    assertThat(data.path("event").asText()).isEqualTo("manual");
    assertThat(data.path("branch").asText()).as("the repository's branch").isEqualTo("trunk");
    assertThat(data.at("/started_by/account").asText()).isEqualTo("alice");
    assertThat(data.at("/started_by/api_key").asText()).isEqualTo(keyId);

    JobRun stored = (JobRun) store.getById(data.path("run_id").asText()).orElseThrow();
    assertThat(stored.getSpec().startedBy.account).isEqualTo("alice");
    assertThat(stored.getSpec().startedBy.apiKey).isEqualTo(keyId);
    JsonNode got =
        json(api.send("GET", "/api/v1/runs/" + data.path("run_id").asText(), "", aliceKey));
    assertThat(got.at("/data/spec/started_by/account").asText()).isEqualTo("alice");
    assertThat(got.at("/data/spec/event").asText()).isEqualTo("manual");
  }

  @Test
  void aRunStartedWithAPasswordAtARefNamesTheAccountAndThatBranch() throws Exception {
    HttpResponse<String> started =
        api.send("POST", "/api/v1/jobs/ci/run", "{\"ref\":\"refs/heads/feature/x\"}", alice);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    JsonNode data = json(started).get("data");
    assertThat(data.path("branch").asText()).isEqualTo("feature/x");
    assertThat(data.at("/started_by/account").asText()).isEqualTo("alice");
    assertThat(data.at("/started_by").has("api_key")).as("no key signed it").isFalse();
  }

  @Test
  void provenanceInARunRequestBodyIsRefusedListingEveryFieldAndStartsNothing() throws Exception {
    String forged =
        """
        {"ref": "main", "trigger": "webhook", "event": "push", "branch": "release",
         "started_by": {"account": "admin"}, "retry_of": "run-1"}
        """;

    HttpResponse<String> refused = api.send("POST", "/api/v1/jobs/ci/run", forged, aliceKey);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(json(refused).get("detail"))
        .extracting(p -> p.path("path").asText())
        .containsExactly("trigger", "event", "branch", "started_by", "retry_of");
    assertThat(store.list(JobRun.class, null, Map.of())).isEmpty();
  }

  @Test
  void aRetryKeepsTheOriginalsEventAndBranchAndNamesWhoRetried() throws Exception {
    String key =
        json(api.send("GET", "/api/v1/webhooks/hook", "", aliceKey))
            .at("/data/webhook_key")
            .asText();
    HttpResponse<String> pushed =
        api.http()
            .send(
                HttpRequest.newBuilder(api.uri("/api/v1/webhooks/run/" + key))
                    .header("X-GitHub-Event", "push")
                    .header("X-GitHub-Delivery", "gh-delivery-1")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"ref\":\"refs/heads/main\",\"after\":\"" + "c".repeat(40) + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(202);
    String runId = json(pushed).at("/data/run_id").asText();
    String deliveryRecord = json(pushed).at("/data/delivery").asText();
    JobRun hooked = (JobRun) store.getById(runId).orElseThrow();
    assertThat(hooked.getSpec().trigger).isEqualTo("webhook");
    assertThat(hooked.getSpec().event).isEqualTo("push");
    assertThat(hooked.getSpec().branch).isEqualTo("main");
    assertThat(hooked.getSpec().sha).isEqualTo("c".repeat(40));
    assertThat(hooked.getSpec().startedBy.webhook).isEqualTo("hook");
    assertThat(hooked.getSpec().startedBy.delivery).startsWith("dlv-").isEqualTo(deliveryRecord);
    assertThat(hooked.getSpec().startedBy.deliveryId).isEqualTo("gh-delivery-1");
    assertThat(hooked.getSpec().startedBy.account).isNull();

    HttpResponse<String> retried =
        api.send("POST", "/api/v1/runs/" + runId + "/retry", "{}", alice);

    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
    JsonNode data = json(retried).get("data");
    assertThat(data.path("trigger").asText()).isEqualTo("retry");
    assertThat(data.path("retry_of").asText()).isEqualTo(runId);
    assertThat(data.path("event").asText()).as("the original's event").isEqualTo("push");
    assertThat(data.path("branch").asText()).isEqualTo("main");
    assertThat(data.path("sha").asText()).isEqualTo("c".repeat(40));
    assertThat(data.at("/started_by/account").asText()).isEqualTo("alice");
    assertThat(data.at("/started_by").has("webhook")).isFalse();
  }

  @Test
  void anAppliedRunGetsTheAppliersProvenanceWhateverItsManifestClaims() throws Exception {
    String forged =
        """
        apiVersion: gryt.io/v1
        kind: JobRun
        metadata: {name: forged}
        spec:
          job_name: ci
          ref: refs/heads/dev
          trigger: webhook
          event: push
          branch: main
          retry_of: run-000000000000
          started_by: {webhook: hook, delivery: dlv-000000000000, account: admin}
        """;

    api.apply(forged, aliceKey);

    JobRun run = store.list(JobRun.class, null, Map.of()).get(0);
    assertThat(run.getSpec().trigger).isEqualTo("manual");
    assertThat(run.getSpec().event).isEqualTo("manual");
    assertThat(run.getSpec().branch).isEqualTo("dev");
    assertThat(run.getSpec().retryOf).isNull();
    assertThat(run.getSpec().startedBy.account).isEqualTo("alice");
    assertThat(run.getSpec().startedBy.apiKey).isEqualTo(aliceKey.key().id());
    assertThat(run.getSpec().startedBy.webhook).isNull();
    assertThat(run.getSpec().startedBy.delivery).isNull();

    // Applied again with other claims: what was stored stays.
    api.apply(forged.replace("account: admin", "account: bob"), alice);
    JobRun again = store.list(JobRun.class, null, Map.of()).get(0);
    assertThat(again.getSpec().startedBy.account).isEqualTo("alice");
    assertThat(again.getSpec().startedBy.apiKey).isEqualTo(aliceKey.key().id());
    assertThat(again.getSpec().trigger).isEqualTo("manual");
  }
}
