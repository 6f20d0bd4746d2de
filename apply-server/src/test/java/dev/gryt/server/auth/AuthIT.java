package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.ApiServer;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.SecretSealer;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts, HTTP Basic, HMAC-signed API keys and tenancy, over real HTTP and a real SQLite store
 * ({@link AuthPostgresIT} runs the same on PostgreSQL). Every reply any test receives is kept, and
 * {@link #stop()} checks that no secret ever appeared in one it should not be in.
 */
class AuthIT {
  static final String PASSWORD_A = "correct horse battery staple";
  static final String PASSWORD_B = "Tr0ub4dor&3-but-longer";
  static final String REPO_TOKEN = "ghp_SuperSecretRepoToken0123456789";
  static final String HOOK_SECRET = "hook-secret-never-shown";
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
      spec: {git_url: "https://github.com/acme/app", access_token: "%s"}
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata: {name: ci}
      spec: {pipeline_name: build, github_repo_name: app}
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: hook}
      spec: {job_name: ci, secret: "%s"}
      """
          .formatted(REPO_TOKEN, HOOK_SECRET);

  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T06:00:00Z"));
  final HttpClient http = HttpClient.newHttpClient();

  /** Every reply body, with whether it may carry an API key secret (key creation replies). */
  final List<String> replies = new ArrayList<>();

  final List<String> keySecrets = new ArrayList<>();

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() throws Exception {
    store = StoreFactory.open(storeUrl());
    byte[] masterKey = new byte[32];
    new java.security.SecureRandom().nextBytes(masterKey);
    ServerSecurity security =
        ServerSecurity.accounts(store, masterKey, clock, new PasswordHasher(1_000));
    server = ApiServer.start(store, "127.0.0.1", 0, security);
  }

  @AfterEach
  void stop() {
    try {
      for (String body : replies) {
        assertThat(body)
            .doesNotContain(PASSWORD_A)
            .doesNotContain(PASSWORD_B)
            .doesNotContain(REPO_TOKEN)
            .doesNotContain(HOOK_SECRET);
      }
      long secretsShown =
          replies.stream().filter(b -> keySecrets.stream().anyMatch(b::contains)).count();
      assertThat(secretsShown)
          .as("each key secret appears in its creation reply only")
          .isEqualTo(keySecrets.size());
    } finally {
      server.close();
      store.close();
    }
  }

  // ---------------------------------------------------------------- accounts and keys

  @Test
  void signUpLogInWithBasicThenWithASignedKey() throws Exception {
    assertThat(signUp("alice", PASSWORD_A).statusCode()).isEqualTo(201);
    HttpResponse<String> me = send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json(me).at("/data/username").asText()).isEqualTo("alice");

    Key key = createKey("alice", PASSWORD_A, "laptop", null);
    assertThat(key.id()).startsWith("key_");
    HttpResponse<String> signed = send("GET", "/api/v1/accounts/me", "", key.signer(clock));
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    assertThat(json(signed).at("/data/username").asText()).isEqualTo("alice");

    HttpResponse<String> list = send("GET", "/api/v1/api-keys", "", key.signer(clock));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).at("/data/items/0/key_id").asText()).isEqualTo(key.id());
    assertThat(json(list).at("/data/items/0/status").asText()).isEqualTo("active");
    assertThat(json(list).at("/data/items/0").has("secret")).isFalse();
  }

  @Test
  void signUpRefusesBadInputListingEveryProblem() throws Exception {
    HttpResponse<String> both =
        send(
            "POST", "/api/v1/accounts/create", "{\"username\":\"x\",\"password\":\"short\"}", null);
    assertThat(both.statusCode()).isEqualTo(422);
    assertThat(json(both).get("detail")).hasSize(2);

    assertThat(send("POST", "/api/v1/accounts/create", "{\"username\":", null).statusCode())
        .isEqualTo(400);
    assertThat(send("POST", "/api/v1/accounts/create", "[1,2]", null).statusCode()).isEqualTo(400);
    assertThat(
            send("POST", "/api/v1/accounts/create", "{\"username\":7,\"password\":[]}", null)
                .statusCode())
        .isEqualTo(422);
    HttpResponse<String> wrongType =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/accounts/create"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    keep(wrongType);
    assertThat(wrongType.statusCode()).isEqualTo(415);

    String metachars = "a'; DROP TABLE accounts; --";
    assertThat(signUp(metachars, PASSWORD_A).statusCode()).isEqualTo(422);
    String huge = "a".repeat(1024 * 1024);
    assertThat(signUp(huge, PASSWORD_A).statusCode()).isEqualTo(422);
    assertThat(signUp("alice", huge).statusCode()).isEqualTo(422);

    assertThat(signUp("alice", PASSWORD_A).statusCode()).isEqualTo(201);
    assertThat(signUp("alice", PASSWORD_B).statusCode()).isEqualTo(409);
    assertThat(signUp("admin", PASSWORD_B).statusCode()).isEqualTo(409);
    // The table survived the metacharacters, and alice still logs in.
    assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void keyInputIsCheckedAndMetacharactersAreJustText() throws Exception {
    signUp("alice", PASSWORD_A);
    String auth = basic("alice", PASSWORD_A);
    HttpResponse<String> bad =
        send("POST", "/api/v1/api-keys", "{\"name\":\"\",\"expires_in_days\":0}", auth);
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(json(bad).get("detail")).hasSize(2);
    assertThat(
            send("POST", "/api/v1/api-keys", "{\"name\":\"k\",\"expires_in_days\":\"soon\"}", auth)
                .statusCode())
        .isEqualTo(422);
    assertThat(
            send("POST", "/api/v1/api-keys", "{\"name\":\"" + "k".repeat(1 << 20) + "\"}", auth)
                .statusCode())
        .isEqualTo(422);
    Key odd = createKey("alice", PASSWORD_A, "x' OR '1'='1", null);
    HttpResponse<String> list = send("GET", "/api/v1/api-keys", "", odd.signer(clock));
    assertThat(json(list).at("/data/items/0/name").asText()).isEqualTo("x' OR '1'='1");
  }

  @Test
  void changingThePasswordRetiresTheOldOne() throws Exception {
    signUp("alice", PASSWORD_A);
    String body =
        ResourceCodec.toJson(Map.of("current_password", PASSWORD_A, "new_password", PASSWORD_B));
    assertThat(
            send("POST", "/api/v1/accounts/change-password", body, basic("alice", PASSWORD_A))
                .statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A)).statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_B)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void failedLoginsAreRateLimitedPerAccount() throws Exception {
    signUp("alice", PASSWORD_A);
    for (int i = 0; i < 10; i++) {
      assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", "wrong-" + i)).statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> locked =
        send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A));
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.headers().firstValue("Retry-After")).isPresent();
    clock.advance(Duration.ofMinutes(6));
    assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void onlyTheAdminListsAndDisablesAccountsAndADisabledAccountIsRefused() throws Exception {
    signUp("alice", PASSWORD_A);
    signUp("bob", PASSWORD_B);
    Key bob = createKey("bob", PASSWORD_B, "main", null);
    assertThat(send("GET", "/api/v1/accounts", "", basic("alice", PASSWORD_A)).statusCode())
        .isEqualTo(403);
    assertThat(
            send("POST", "/api/v1/accounts/bob/disable", "", basic("alice", PASSWORD_A))
                .statusCode())
        .isEqualTo(403);
    assertThat(store.accounts().accountByUsername("bob").orElseThrow().disabled()).isFalse();

    Accounts accounts =
        new Accounts(
            store.accounts(), new SecretSealer(new byte[32]), new PasswordHasher(1_000), clock);
    accounts.disable("bob");
    assertThat(store.accounts().accountByUsername("bob").orElseThrow().disabledAt())
        .isEqualTo(clock.instant());
    // Another server's view: the caches of this one still hold bob for up to 30 s.
    clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> byPassword =
        send("GET", "/api/v1/accounts/me", "", basic("bob", PASSWORD_B));
    assertThat(byPassword.statusCode()).isEqualTo(403);
    assertThat(byPassword.body()).contains("account bob is disabled");
    assertThat(
            send("GET", "/api/v1/accounts/me", "", basic("bob", "not his password")).statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/api/v1/accounts/me", "", bob.signer(clock)).statusCode())
        .isEqualTo(403);
    assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A)).statusCode())
        .isEqualTo(200);
  }

  // ---------------------------------------------------------------- the auth matrix

  /** Every authenticated route, with what a bad credential must not change. */
  static final List<String[]> ROUTES =
      List.of(
          new String[] {"GET", "/api/v1/pipelines", ""},
          new String[] {"GET", "/api/v1/pipelines/build", ""},
          new String[] {"DELETE", "/api/v1/pipelines/build", ""},
          new String[] {"GET", "/api/v1/github-repos/app", ""},
          new String[] {"DELETE", "/api/v1/github-repos/app", ""},
          new String[] {"GET", "/api/v1/jobs", ""},
          new String[] {"DELETE", "/api/v1/jobs/ci", ""},
          new String[] {"POST", "/api/v1/jobs/ci/run", ""},
          new String[] {"GET", "/api/v1/runs", ""},
          new String[] {"GET", "/api/v1/webhooks/hook", ""},
          new String[] {"POST", "/api/v1/webhooks/hook/rotate-key", ""},
          new String[] {"GET", "/api/v1/webhooks/hook/deliveries", ""},
          new String[] {"DELETE", "/api/v1/webhooks/hook", ""},
          new String[] {"POST", "/api/v1/apply", "{\"yaml_content\":\"\"}"},
          new String[] {"GET", "/api/v1/watch?timeout_seconds=0", ""},
          new String[] {"GET", "/api/v1/accounts/me", ""},
          new String[] {"POST", "/api/v1/accounts/change-password", "{}"},
          new String[] {"POST", "/api/v1/api-keys", "{\"name\":\"n\"}"},
          new String[] {"GET", "/api/v1/api-keys", ""},
          new String[] {"DELETE", "/api/v1/api-keys/key_000000000000000000000000", ""},
          new String[] {"GET", "/api/v1/accounts", ""},
          new String[] {"POST", "/api/v1/accounts/bob/disable", ""});

  @Test
  void everyRouteRefusesEveryBadCredentialAndChangesNothing() throws Exception {
    signUp("alice", PASSWORD_A);
    signUp("bob", PASSWORD_B);
    Key alice = createKey("alice", PASSWORD_A, "main", null);
    HttpResponse<String> applied =
        send("POST", "/api/v1/apply", applyBody(MANIFEST), alice.signer(clock));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    Key expiring = createKey("alice", PASSWORD_A, "short-lived", 1);
    Key revoked = createKey("alice", PASSWORD_A, "revoked", null);
    assertThat(
            send("DELETE", "/api/v1/api-keys/" + revoked.id(), "", alice.signer(clock))
                .statusCode())
        .isEqualTo(200);
    Key unknown = new Key("key_" + "0".repeat(24), "not-a-secret");
    clock.advance(Duration.ofDays(2)); // the short-lived key has expired

    long version = store.resourceVersion();
    String aliceId = store.accounts().accountByUsername("alice").orElseThrow().id();
    String bobId = store.accounts().accountByUsername("bob").orElseThrow().id();
    List<String> aliceKeys = keyIds(aliceId);
    List<String> bobKeys = keyIds(bobId);
    assertThat(aliceKeys).as("main, short-lived and revoked").hasSize(3);
    String aliceHash = store.accounts().accountById(aliceId).orElseThrow().passwordHash();
    String bobHash = store.accounts().accountById(bobId).orElseThrow().passwordHash();
    for (String[] route : ROUTES) {
      // Past the failed-login window, so each route sees 401s rather than the lockout's 429.
      clock.advance(Duration.ofMinutes(6));
      String method = route[0];
      String path = route[1];
      String body = route[2];
      Map<String, String> bad = new java.util.LinkedHashMap<>();
      bad.put("no credentials", null);
      bad.put("wrong password", basic("alice", "not her password"));
      bad.put("unknown user", basic("mallory", PASSWORD_A));
      bad.put("malformed basic", "Basic !!!");
      bad.put("unknown key", unknown.sign(method, path, body, clock.instant()));
      bad.put("expired key", expiring.sign(method, path, body, clock.instant()));
      bad.put("revoked key", revoked.sign(method, path, body, clock.instant()));
      bad.put(
          "skewed timestamp", alice.sign(method, path, body, clock.instant().minusSeconds(301)));
      bad.put("future timestamp", alice.sign(method, path, body, clock.instant().plusSeconds(301)));
      bad.put("tampered path", alice.sign(method, path + "x", body, clock.instant()));
      bad.put("tampered body", alice.sign(method, path, body + " ", clock.instant()));
      bad.put("tampered method", alice.sign("PUT", path, body, clock.instant()));
      bad.put("unknown scheme", "Bearer abc");
      for (var c : bad.entrySet()) {
        HttpResponse<String> reply = send(method, path, body, c.getValue());
        assertThat(reply.statusCode())
            .as("%s %s with %s: %s", method, path, c.getKey(), reply.body())
            .isEqualTo(401);
      }
      // A replayed request: the first goes through, the same bytes again are refused.
      String once = alice.sign(method, path, body, clock.instant());
      if (method.equals("GET")) {
        HttpResponse<String> first = send(method, path, body, once);
        if (path.equals("/api/v1/accounts")) {
          // Authenticated, but alice is no admin: a 403 (not a 401) shows the key was accepted.
          assertThat(first.statusCode()).as(first.body()).isEqualTo(403);
        } else {
          assertThat(first.statusCode())
              .as("genuine %s %s: %s", method, path, first.body())
              .isEqualTo(200);
        }
        assertThat(send(method, path, body, once).statusCode())
            .as("replayed %s %s", method, path)
            .isEqualTo(401);
      }
    }
    assertThat(store.resourceVersion()).isEqualTo(version);
    assertThat(keyIds(aliceId)).as("no key was created or deleted").isEqualTo(aliceKeys);
    assertThat(keyIds(bobId)).isEqualTo(bobKeys);
    assertThat(store.accounts().accountById(aliceId).orElseThrow().passwordHash())
        .as("alice's password is unchanged")
        .isEqualTo(aliceHash);
    assertThat(store.accounts().accountById(bobId).orElseThrow().passwordHash()).isEqualTo(bobHash);
    assertThat(send("GET", "/api/v1/accounts/me", "", basic("alice", PASSWORD_A)).statusCode())
        .isEqualTo(200);

    // A replayed POST: the genuine one creates a key, the same bytes again create nothing.
    String create = ResourceCodec.toJson(Map.of("name", "once"));
    String once = alice.sign("POST", "/api/v1/api-keys", create, clock.instant());
    HttpResponse<String> created = send("POST", "/api/v1/api-keys", create, once);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    keySecrets.add(json(created).at("/data/secret").asText());
    HttpResponse<String> replayed = send("POST", "/api/v1/api-keys", create, once);
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
    assertThat(keyIds(aliceId))
        .as("exactly the genuine request's key was added")
        .hasSize(aliceKeys.size() + 1)
        .containsAll(aliceKeys)
        .contains(json(created).at("/data/key_id").asText());
  }

  List<String> keyIds(String accountId) {
    return store.accounts().apiKeys(accountId).stream().map(k -> k.keyId()).sorted().toList();
  }

  // ---------------------------------------------------------------- tenancy

  @Test
  void anotherAccountsObjectsAreNotFoundAndNeverListed() throws Exception {
    signUp("alice", PASSWORD_A);
    signUp("bob", PASSWORD_B);
    Key alice = createKey("alice", PASSWORD_A, "a", null);
    Key bob = createKey("bob", PASSWORD_B, "b", null);
    assertThat(send("POST", "/api/v1/apply", applyBody(MANIFEST), alice.signer(clock)).statusCode())
        .isEqualTo(200);
    // Bob applies the very same names: his own objects, created, not "unchanged".
    HttpResponse<String> bobs =
        send("POST", "/api/v1/apply", applyBody(MANIFEST), bob.signer(clock));
    assertThat(json(bobs).at("/data/results/0/action").asText()).isEqualTo("created");

    JsonNode alicePipeline =
        json(send("GET", "/api/v1/pipelines/build", "", alice.signer(clock))).get("data");
    String aliceId = alicePipeline.get("id").asText();
    assertThat(alicePipeline.at("/metadata/namespace").asText()).isEqualTo("default");
    JsonNode aliceJob = json(send("GET", "/api/v1/jobs/ci", "", alice.signer(clock))).get("data");
    String aliceJobId = aliceJob.get("id").asText();
    JsonNode aliceHook =
        json(send("GET", "/api/v1/webhooks/hook", "", alice.signer(clock))).get("data");
    String aliceHookId = aliceHook.get("id").asText();

    for (String[] call :
        new String[][] {
          {"GET", "/api/v1/pipelines/" + aliceId},
          {"DELETE", "/api/v1/pipelines/" + aliceId},
          {"POST", "/api/v1/jobs/" + aliceJobId + "/run"},
          {"GET", "/api/v1/webhooks/" + aliceHookId},
          {"POST", "/api/v1/webhooks/" + aliceHookId + "/rotate-key"},
          {"GET", "/api/v1/webhooks/" + aliceHookId + "/deliveries"},
        }) {
      HttpResponse<String> reply = send(call[0], call[1], "", bob.signer(clock));
      assertThat(reply.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(404);
      assertThat(reply.body()).doesNotContain("alice");
    }
    JsonNode bobList = json(send("GET", "/api/v1/pipelines", "", bob.signer(clock)));
    assertThat(bobList.at("/data/items")).hasSize(1);
    assertThat(bobList.at("/data/items/0/id").asText()).isNotEqualTo(aliceId);
    JsonNode bobEvents =
        json(send("GET", "/api/v1/watch?after=0&timeout_seconds=0", "", bob.signer(clock)));
    for (JsonNode e : bobEvents.at("/data/events")) {
      assertThat(e.at("/object/id").asText()).isNotIn(aliceId, aliceJobId, aliceHookId);
      assertThat(e.at("/object/metadata/namespace").asText()).isEqualTo("default");
    }
    // Alice's pipeline is still there.
    assertThat(send("GET", "/api/v1/pipelines/" + aliceId, "", alice.signer(clock)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void anotherAccountsKeyCannotBeRevoked() throws Exception {
    signUp("alice", PASSWORD_A);
    signUp("bob", PASSWORD_B);
    Key alice = createKey("alice", PASSWORD_A, "a", null);
    Key bob = createKey("bob", PASSWORD_B, "b", null);
    assertThat(send("DELETE", "/api/v1/api-keys/" + alice.id(), "", bob.signer(clock)).statusCode())
        .isEqualTo(404);
    assertThat(send("GET", "/api/v1/accounts/me", "", alice.signer(clock)).statusCode())
        .isEqualTo(200);
    JsonNode bobKeys = json(send("GET", "/api/v1/api-keys", "", bob.signer(clock)));
    assertThat(bobKeys.at("/data/items")).hasSize(1);
  }

  @Test
  void anotherAccountsRunsTheirLogsCancelAndRetryAreNotFound() throws Exception {
    signUp("alice", PASSWORD_A);
    signUp("bob", PASSWORD_B);
    Key alice = createKey("alice", PASSWORD_A, "a", null);
    Key bob = createKey("bob", PASSWORD_B, "b", null);
    send("POST", "/api/v1/apply", applyBody(MANIFEST), alice.signer(clock));
    // Bob has a job of the same name: a lookup that ignored the tenant could land on either.
    send("POST", "/api/v1/apply", applyBody(MANIFEST), bob.signer(clock));
    HttpResponse<String> started = send("POST", "/api/v1/jobs/ci/run", "", alice.signer(clock));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String runId = json(started).at("/data/run_id").asText();
    // Alice's own calls succeed: the refusals below are about whose run it is, not the run.
    assertThat(send("GET", "/api/v1/runs/" + runId, "", alice.signer(clock)).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/api/v1/runs/" + runId + "/logs", "", alice.signer(clock)).statusCode())
        .isEqualTo(200);
    dev.gryt.crds.JobRun before = (dev.gryt.crds.JobRun) store.getById(runId).orElseThrow();

    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    for (String[] call :
        new String[][] {
          {"GET", "/api/v1/runs/" + runId},
          {"GET", "/api/v1/runs/" + runId + "/logs"},
          {"GET", "/api/v1/runs/" + runId + "/logs?follow=true&timeout_seconds=1"},
          {"POST", "/api/v1/runs/" + runId + "/cancel"},
          {"POST", "/api/v1/runs/" + runId + "/retry"},
          {"DELETE", "/api/v1/runs/" + runId},
        }) {
      HttpResponse<String> reply = send(call[0], call[1], "", bob.signer(clock));
      soft.assertThat(reply.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(404);
      soft.assertThat(reply.body()).as("%s %s", call[0], call[1]).doesNotContain("alice");
    }
    soft.assertAll();

    dev.gryt.crds.JobRun after = (dev.gryt.crds.JobRun) store.getById(runId).orElseThrow();
    assertThat(after.getMetadata().getResourceVersion())
        .as("not cancelled, not changed")
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec().cancelRequested).isNotEqualTo(Boolean.TRUE);
    assertThat(store.list(dev.gryt.crds.JobRun.class, null, Map.of()))
        .as("no retry was started, for either account")
        .hasSize(1);
    JsonNode bobsRuns = json(send("GET", "/api/v1/runs", "", bob.signer(clock)));
    assertThat(bobsRuns.at("/data/items")).isEmpty();
  }

  // ---------------------------------------------------------------- teams

  @Test
  void aTeamsMembersShareItsObjectsAndOthersSeeNothingOfThem() throws Exception {
    signUp("alice", PASSWORD_A);
    signUp("bob", PASSWORD_B);
    signUp("carol", PASSWORD_B);
    Key alice = createKey("alice", PASSWORD_A, "a", null);
    Key bob = createKey("bob", PASSWORD_B, "b", null);
    Key carol = createKey("carol", PASSWORD_B, "c", null);
    HttpResponse<String> created =
        send("POST", "/api/v1/teams", "{\"name\":\"acme\"}", alice.signer(clock));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).at("/data/role").asText()).isEqualTo("owner");
    assertThat(
            send(
                    "POST",
                    "/api/v1/teams/acme/members",
                    "{\"username\":\"bob\"}",
                    alice.signer(clock))
                .statusCode())
        .isEqualTo(200);

    // Bob applies for the team; Alice sees it as the team, not as herself; Carol sees nothing.
    HttpResponse<String> applied =
        sendAs("POST", "/api/v1/apply", applyBody(MANIFEST), bob.signer(clock), "acme");
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    JsonNode teamPipeline =
        json(sendAs("GET", "/api/v1/pipelines/build", "", alice.signer(clock), "acme")).get("data");
    assertThat(teamPipeline.at("/metadata/namespace").asText()).isEqualTo("default");
    String teamPipelineId = teamPipeline.get("id").asText();
    assertThat(send("GET", "/api/v1/pipelines/build", "", alice.signer(clock)).statusCode())
        .isEqualTo(404);
    assertThat(send("GET", "/api/v1/pipelines/build", "", bob.signer(clock)).statusCode())
        .isEqualTo(404);
    for (String team : List.of("acme", "no-such-team")) {
      HttpResponse<String> refused =
          sendAs("GET", "/api/v1/pipelines", "", carol.signer(clock), team);
      assertThat(refused.statusCode()).as(team).isEqualTo(404);
      assertThat(refused.body()).contains("no team " + team + " (or you are not in it)");
    }
    assertThat(
            send("GET", "/api/v1/pipelines/" + teamPipelineId, "", carol.signer(clock))
                .statusCode())
        .isEqualTo(404);
    assertThat(json(send("GET", "/api/v1/pipelines", "", carol.signer(clock))).at("/data/items"))
        .isEmpty();

    // Generations belong to the team too.
    String generation =
        ResourceCodec.toJson(Map.of("version", "v1.0.0", "description", "team release"));
    assertThat(
            sendAs("POST", "/api/v1/generations", generation, alice.signer(clock), "acme")
                .statusCode())
        .isEqualTo(201);
    assertThat(
            json(sendAs("GET", "/api/v1/generations", "", bob.signer(clock), "acme"))
                .at("/data/generations"))
        .hasSize(1);
    assertThat(
            json(send("GET", "/api/v1/generations", "", bob.signer(clock))).at("/data/generations"))
        .isEmpty();

    // Lists of teams, and what a member (not an owner) may not do.
    JsonNode bobsTeams = json(send("GET", "/api/v1/teams", "", bob.signer(clock)));
    assertThat(bobsTeams.at("/data/items/0/name").asText()).isEqualTo("acme");
    assertThat(json(send("GET", "/api/v1/teams", "", carol.signer(clock))).at("/data/items"))
        .isEmpty();
    assertThat(send("GET", "/api/v1/teams/acme", "", carol.signer(clock)).statusCode())
        .isEqualTo(404);
    JsonNode team = json(send("GET", "/api/v1/teams/acme", "", bob.signer(clock))).get("data");
    assertThat(team.at("/members/0/username").asText()).isEqualTo("alice");
    assertThat(team.at("/members/1/role").asText()).isEqualTo("member");
    assertThat(
            send(
                    "POST",
                    "/api/v1/teams/acme/members",
                    "{\"username\":\"carol\"}",
                    bob.signer(clock))
                .statusCode())
        .isEqualTo(403);

    // Removing Bob ends his access at once.
    assertThat(
            send("DELETE", "/api/v1/teams/acme/members/bob", "", alice.signer(clock)).statusCode())
        .isEqualTo(200);
    assertThat(sendAs("GET", "/api/v1/pipelines", "", bob.signer(clock), "acme").statusCode())
        .isEqualTo(404);
  }

  @Test
  void teamsRefuseBadInput() throws Exception {
    signUp("alice", PASSWORD_A);
    Key alice = createKey("alice", PASSWORD_A, "a", null);
    for (String body :
        List.of(
            "{\"name\":\"Bad Name\"}",
            "{\"name\":\"x\"}",
            "{\"name\":\"a'; DROP TABLE teams; --\"}",
            "{\"name\":\"" + "a".repeat(1_000_000) + "\"}",
            "{}")) {
      assertThat(send("POST", "/api/v1/teams", body, alice.signer(clock)).statusCode())
          .isIn(400, 422);
    }
    assertThat(send("POST", "/api/v1/teams", "{\"name\":", alice.signer(clock)).statusCode())
        .isEqualTo(400);
    assertThat(
            send("POST", "/api/v1/teams", "{\"name\":\"acme\"}", alice.signer(clock)).statusCode())
        .isEqualTo(201);
    assertThat(
            send("POST", "/api/v1/teams", "{\"name\":\"acme\"}", alice.signer(clock)).statusCode())
        .isEqualTo(409);
    assertThat(
            send(
                    "POST",
                    "/api/v1/teams/acme/members",
                    "{\"username\":\"nobody\"}",
                    alice.signer(clock))
                .statusCode())
        .isEqualTo(404);
    assertThat(
            send(
                    "POST",
                    "/api/v1/teams/acme/members",
                    "{\"username\":\"alice\",\"role\":\"boss\"}",
                    alice.signer(clock))
                .statusCode())
        .isEqualTo(422);
    // The last owner can neither leave nor step down.
    assertThat(
            send("DELETE", "/api/v1/teams/acme/members/alice", "", alice.signer(clock))
                .statusCode())
        .isEqualTo(409);
    assertThat(
            send(
                    "POST",
                    "/api/v1/teams/acme/members",
                    "{\"username\":\"alice\",\"role\":\"member\"}",
                    alice.signer(clock))
                .statusCode())
        .isEqualTo(409);
    // Without credentials a team header changes nothing.
    assertThat(sendAs("GET", "/api/v1/pipelines", "", null, "acme").statusCode()).isEqualTo(401);
  }

  // ---------------------------------------------------------------- helpers

  record Key(String id, String secret) {
    String sign(String method, String pathAndQuery, String body, Instant at) {
      return RequestSignature.header(
          id, secret, method, pathAndQuery, at.toString(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs with the clock's time; each call a fresh signature (a body-less GET needs one too). */
    Signer signer(MutableClock clock) {
      return new Signer(this, clock);
    }
  }

  record Signer(Key key, MutableClock clock) {}

  HttpResponse<String> signUp(String username, String password) throws Exception {
    return send(
        "POST",
        "/api/v1/accounts/create",
        ResourceCodec.toJson(Map.of("username", username, "password", password)),
        null);
  }

  Key createKey(String username, String password, String name, Integer days) throws Exception {
    String body =
        days == null
            ? ResourceCodec.toJson(Map.of("name", name))
            : ResourceCodec.toJson(Map.of("name", name, "expires_in_days", days));
    HttpResponse<String> created =
        send("POST", "/api/v1/api-keys", body, basic(username, password));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode data = json(created).get("data");
    keySecrets.add(data.get("secret").asText());
    return new Key(data.get("key_id").asText(), data.get("secret").asText());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static String applyBody(String yaml) {
    return ResourceCodec.toJson(Map.of("yaml_content", yaml));
  }

  HttpResponse<String> send(String method, String path, String body, Object auth) throws Exception {
    return sendAs(method, path, body, auth, null);
  }

  /** {@link #send}, acting for {@code team} when not null. */
  HttpResponse<String> sendAs(String method, String path, String body, Object auth, String team)
      throws Exception {
    // Signers sign each request anew, at the moment it is sent, as a client does.
    String header =
        auth instanceof Signer s
            ? s.key().sign(method, path, body, s.clock().instant().plusMillis(counter++))
            : (String) auth;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      b.header("Content-Type", "application/json");
    }
    if (header != null) {
      b.header("Authorization", header);
    }
    if (team != null) {
      b.header(Teams.HEADER, team);
    }
    HttpResponse<String> reply = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return keep(reply);
  }

  private long counter;

  HttpResponse<String> keep(HttpResponse<String> reply) {
    replies.add(reply.body());
    assertThat(reply.statusCode()).as(reply.body()).isLessThan(500);
    return reply;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static JsonNode json(HttpResponse<String> reply) throws Exception {
    return ResourceCodec.json().readTree(reply.body());
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
