package dev.gryt.server.auth;

import static dev.gryt.server.auth.AccountsApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.JobRun;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.TriggerStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Webhook's deliveries as its owner reads them, and redelivery: over real HTTP, real accounts and
 * a real SQLite store ({@link WebhookDeliveriesPostgresIT}: PostgreSQL).
 */
class WebhookDeliveriesIT {
  static final String SECRET = "delivery-secret-9c1f";
  static final String SHA = "d".repeat(40);
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
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: hook}
      spec:
        job_name: ci
        secret: "%s"
        branches: [%s]
      """;

  @TempDir Path dir;
  ResourceStore store;
  AccountsApi api;
  String alice;
  String bob;

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() throws Exception {
    store = StoreFactory.open(storeUrl());
    api = new AccountsApi(store);
    alice = api.signUp("alice", AuthIT.PASSWORD_A);
    bob = api.signUp("bob", AuthIT.PASSWORD_B);
    api.apply(MANIFEST.formatted(SECRET, "main"), alice);
    // Bob's webhook has the same name: a lookup that ignored the tenant could land on either.
    api.apply(MANIFEST.formatted(SECRET, "main"), bob);
  }

  @AfterEach
  void stop() {
    api.close();
    store.close();
  }

  @Test
  void deliveriesShowBranchCommitSignatureAndTheRunOrWhySkippedButNoSecret() throws Exception {
    HttpResponse<String> started = push(alice, "main", "gh-1", pushBody("main", ""));
    HttpResponse<String> skipped = push(alice, "dev", "gh-2", pushBody("dev", ""));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(skipped.statusCode()).as(skipped.body()).isEqualTo(202);

    HttpResponse<String> listed = api.send("GET", "/api/v1/webhooks/hook/deliveries", "", alice);

    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    JsonNode items = json(listed).at("/data/items");
    assertThat(items).hasSize(2);
    JsonNode dev = items.get(0);
    assertThat(dev.path("delivery_id").asText()).isEqualTo("gh-2");
    assertThat(dev.path("status").asText()).isEqualTo("skipped");
    assertThat(dev.path("reason").asText()).contains("branch dev");
    assertThat(dev.path("branch").asText()).isEqualTo("dev");
    assertThat(dev.path("run_id").isNull()).isTrue();
    JsonNode main = items.get(1);
    assertThat(main.path("status").asText()).isEqualTo("triggered");
    assertThat(main.path("run_id").asText()).isEqualTo(json(started).at("/data/run_id").asText());
    assertThat(main.path("branch").asText()).isEqualTo("main");
    assertThat(main.path("commit").asText()).isEqualTo(SHA);
    assertThat(main.path("signature_checked").asBoolean()).isTrue();
    assertThat(main.path("payload_bytes").asLong()).isEqualTo(pushBody("main", "").length());
    assertThat(main.path("payload_truncated").asBoolean()).isFalse();
    assertThat(main.path("redelivery_of").isNull()).isTrue();
    assertThat(listed.body())
        .doesNotContain(SECRET)
        .doesNotContain(signature(pushBody("main", "")).substring(7))
        .doesNotContain("payload\"");

    HttpResponse<String> one =
        api.send("GET", "/api/v1/webhooks/hook/deliveries/" + main.path("id").asText(), "", alice);
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    assertThat(json(one).at("/data/payload/ref").asText()).isEqualTo("refs/heads/main");
    assertThat(one.body()).doesNotContain(SECRET);
  }

  @Test
  void redeliverReplaysThePayloadAsANewRunMarkedAsARedeliveryEveryTime() throws Exception {
    HttpResponse<String> first = push(alice, "main", "gh-1", pushBody("main", ""));
    String original = json(first).at("/data/delivery").asText();
    String firstRun = json(first).at("/data/run_id").asText();

    HttpResponse<String> again = redeliver(alice, original);
    HttpResponse<String> twice = redeliver(alice, original);

    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    assertThat(twice.statusCode()).as("never a duplicate").isEqualTo(202);
    JsonNode data = json(again).get("data");
    String runId = data.path("run_id").asText();
    assertThat(runId).startsWith("run-").isNotEqualTo(firstRun);
    assertThat(data.path("redelivery_of").asText()).isEqualTo(original);
    assertThat(data.path("duplicate").asBoolean()).isFalse();
    JobRun run = (JobRun) store.getById(runId).orElseThrow();
    assertThat(run.getSpec().trigger).isEqualTo("webhook");
    assertThat(run.getSpec().event).isEqualTo("push");
    assertThat(run.getSpec().ref).isEqualTo("refs/heads/main");
    assertThat(run.getSpec().sha).isEqualTo(SHA);
    assertThat(run.getSpec().startedBy.webhook).isEqualTo("hook");
    assertThat(run.getSpec().startedBy.delivery).isEqualTo(data.path("delivery").asText());
    assertThat(run.getSpec().startedBy.account).as("who redelivered it").isEqualTo("alice");

    JsonNode items =
        json(api.send("GET", "/api/v1/webhooks/hook/deliveries", "", alice)).at("/data/items");
    assertThat(items).hasSize(3);
    assertThat(items.get(0).path("redelivery_of").asText()).isEqualTo(original);
    assertThat(items.get(0).path("delivery_id").isNull()).isTrue();
    assertThat(items.get(0).path("signature_checked").asBoolean())
        .as("the payload is the one whose signature was checked")
        .isTrue();
  }

  @Test
  void aRedeliveryPassesTheWebhooksFiltersAsTheyAreNow() throws Exception {
    String original =
        json(push(alice, "main", "gh-1", pushBody("main", ""))).at("/data/delivery").asText();
    api.apply(MANIFEST.formatted(SECRET, "release"), alice);

    HttpResponse<String> replayed = redeliver(alice, original);

    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);
    assertThat(json(replayed).at("/data/run_id").isNull()).isTrue();
    assertThat(json(replayed).at("/data/skipped").asText()).contains("branch main");
    assertThat(runsOf("alice")).hasSize(1);
  }

  @Test
  void anotherAccountsDeliveryIsNotFoundAndNothingRuns() throws Exception {
    HttpResponse<String> first = push(alice, "main", "gh-1", pushBody("main", ""));
    String delivery = json(first).at("/data/delivery").asText();
    String aliceHook =
        json(api.send("GET", "/api/v1/webhooks/hook", "", alice)).at("/data/id").asText();
    int runs = store.list(JobRun.class, null, Map.of()).size();

    for (String path :
        new String[] {
          "/api/v1/webhooks/hook/deliveries/" + delivery + "/redeliver",
          "/api/v1/webhooks/" + aliceHook + "/deliveries/" + delivery + "/redeliver"
        }) {
      HttpResponse<String> refused = api.send("POST", path, "", bob);
      assertThat(refused.statusCode()).as(path).isEqualTo(404);
      assertThat(refused.body()).doesNotContain("alice");
    }
    assertThat(
            api.send("GET", "/api/v1/webhooks/hook/deliveries/" + delivery, "", bob).statusCode())
        .isEqualTo(404);
    assertThat(
            api.send(
                    "POST", "/api/v1/webhooks/hook/deliveries/" + delivery + "/redeliver", "", null)
                .statusCode())
        .isEqualTo(401);
    assertThat(
            api.send(
                    "POST",
                    "/api/v1/webhooks/hook/deliveries/dlv-000000000000/redeliver",
                    "",
                    alice)
                .statusCode())
        .isEqualTo(404);
    assertThat(
            api.send("POST", "/api/v1/webhooks/hook/deliveries/%27%20OR%201=1/redeliver", "", alice)
                .statusCode())
        .isEqualTo(404);
    assertThat(store.list(JobRun.class, null, Map.of())).hasSize(runs);
  }

  @Test
  void anOversizedPayloadIsTakenAndKeptAsItsDigestWhichReplaysTheSame() throws Exception {
    String padding = "x".repeat(TriggerStore.MAX_PAYLOAD_CHARS + 1000);
    String body = pushBody("main", padding);

    HttpResponse<String> taken = push(alice, "main", "gh-big", body);

    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(202);
    String id = json(taken).at("/data/delivery").asText();
    JsonNode one = json(api.send("GET", "/api/v1/webhooks/hook/deliveries/" + id, "", alice));
    assertThat(one.at("/data/payload_truncated").asBoolean()).isTrue();
    assertThat(one.at("/data/payload_bytes").asLong()).isEqualTo(body.length());
    assertThat(one.at("/data/payload/ref").asText()).isEqualTo("refs/heads/main");
    assertThat(one.at("/data/payload/after").asText()).isEqualTo(SHA);
    assertThat(one.at("/data/payload").has("padding")).isFalse();

    HttpResponse<String> replayed = redeliver(alice, id);
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);
    JobRun run = (JobRun) store.getById(json(replayed).at("/data/run_id").asText()).orElseThrow();
    assertThat(run.getSpec().sha).isEqualTo(SHA);
    assertThat(run.getSpec().branch).isEqualTo("main");
  }

  // ---------------------------------------------------------------- helpers

  static String pushBody(String branch, String padding) {
    return "{\"ref\":\"refs/heads/"
        + branch
        + "\",\"after\":\""
        + SHA
        + "\",\"padding\":\""
        + padding
        + "\"}";
  }

  HttpResponse<String> push(String owner, String branch, String deliveryId, String body)
      throws Exception {
    String key =
        json(api.send("GET", "/api/v1/webhooks/hook", "", owner)).at("/data/webhook_key").asText();
    return api.http()
        .send(
            HttpRequest.newBuilder(api.uri("/api/v1/webhooks/run/" + key))
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", deliveryId)
                .header("X-Hub-Signature-256", signature(body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> redeliver(String auth, String delivery) throws Exception {
    return api.send(
        "POST", "/api/v1/webhooks/hook/deliveries/" + delivery + "/redeliver", "", auth);
  }

  java.util.List<JobRun> runsOf(String username) {
    return store.list(JobRun.class, null, Map.of()).stream()
        .filter(r -> !r.getMetadata().getNamespace().equals("default"))
        .toList();
  }

  static String signature(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
