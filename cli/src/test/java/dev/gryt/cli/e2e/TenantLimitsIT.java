package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.crds.ResourceCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks 6 and 7 of issue 13 and the quotas, played as strangers against a real {@code gryt
 * server} process on SQLite: sign-ups past the per-address limit, sign-up on a server that is
 * closed to it, runs and objects past an account's quota, and the admin disabling an account (whose
 * password and key stop working) with {@code gryt cloud accounts}. On the code before these limits,
 * every sign-up, run and object was accepted and there was no way to disable an account.
 */
class TenantLimitsIT {
  static final String PASSWORD = "a long enough password";
  static final String OBJECTS =
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
      metadata: {name: ci}
      spec: {pipeline_name: build, github_repo_name: app}
      """;
  static final String ONE_MORE =
      """
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata: {name: hook}
      spec: {job_name: ci}
      """;

  /** The machines this runs on are shared and often loaded: generous, never a timing assertion. */
  static final Duration PATIENCE = Duration.ofSeconds(240);

  @TempDir Path dir;
  Process server;

  @AfterEach
  void stop() {
    Gryt.stop(server);
  }

  Gryt gryt() throws Exception {
    Path project = dir.resolve("project");
    Files.createDirectories(project);
    return new Gryt(dir.resolve("home"), project);
  }

  int start(Gryt gryt, String... flags) throws Exception {
    int port = Gryt.freePort();
    Path log = dir.resolve("server.log");
    String[] args = new String[flags.length + 7];
    System.arraycopy(
        new String[] {
          "server",
          "--port",
          "" + port,
          "--db",
          "sqlite:" + dir.resolve("server.db"),
          "--agents",
          "0"
        },
        0,
        args,
        0,
        7);
    System.arraycopy(flags, 0, args, 7, flags.length);
    server = gryt.start(log, args);
    Gryt.awaitUp(server, log, "http://127.0.0.1:" + port + "/healthz", PATIENCE);
    Path adminKey = Credentials.localServerFile(gryt.home(), "127.0.0.1", port);
    await().atMost(PATIENCE).until(() -> Files.isRegularFile(adminKey));
    await().atMost(PATIENCE).until(() -> Files.readString(log).contains("sign-up: "));
    return port;
  }

  @Test
  void strangersMeetTheSignUpLimitTheQuotasAndTheAdminsDisabling() throws Exception {
    Gryt gryt = gryt();
    int port = start(gryt, "--signup", "open", "--quota-runs", "2", "--quota-objects", "3");
    String base = "http://127.0.0.1:" + port;
    assertThat(Files.readString(dir.resolve("server.log")))
        .contains("sign-up: open (--signup open)");

    // Attack 7: sign-ups (each a slow hash) from one address stop at 10 an hour.
    assertThat(signUp(base, "alice").statusCode()).isEqualTo(201);
    assertThat(signUp(base, "bob").statusCode()).isEqualTo(201);
    // Input refused before the hash costs nothing and counts for nothing.
    assertThat(signUp(base, "x").statusCode()).isEqualTo(422);
    for (int i = 3; i <= 10; i++) {
      assertThat(signUp(base, "user" + i).statusCode()).isEqualTo(201);
    }
    HttpResponse<String> refused = signUp(base, "mallory");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.body()).contains("too many sign-ups from this address");
    // The admin still creates accounts.
    HttpResponse<String> byAdmin =
        gryt.api(port, "POST", "/api/v1/accounts/create", account("carol"));
    assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(201);

    // Objects: 4 would pass the quota of 3, so nothing is stored.
    HttpResponse<String> tooMany =
        asAlice(base, "POST", "/api/v1/apply", apply(OBJECTS + ONE_MORE));
    assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(403);
    assertThat(tooMany.body()).contains("quota: at most 3 stored objects", "--quota-objects");
    assertThat(asAlice(base, "GET", "/api/v1/pipelines", "").body()).doesNotContain("build");
    HttpResponse<String> three = asAlice(base, "POST", "/api/v1/apply", apply(OBJECTS));
    assertThat(three.statusCode()).as(three.body()).isEqualTo(200);
    HttpResponse<String> fourth =
        asAlice(base, "POST", "/api/v1/webhooks", "{\"name\":\"hook\",\"job_id\":\"ci\"}");
    assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(403);

    // Runs: no agent here, so they stay unfinished; the third is refused.
    assertThat(asAlice(base, "POST", "/api/v1/jobs/ci/run", "").statusCode()).isEqualTo(201);
    assertThat(asAlice(base, "POST", "/api/v1/jobs/ci/run", "").statusCode()).isEqualTo(201);
    HttpResponse<String> third = asAlice(base, "POST", "/api/v1/jobs/ci/run", "");
    assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
    assertThat(third.body()).contains("quota: at most 2 unfinished runs", "--quota-runs");
    // Bob's quota is his own.
    HttpResponse<String> bobs = as(base, "bob", "POST", "/api/v1/apply", apply(OBJECTS));
    assertThat(bobs.statusCode()).as(bobs.body()).isEqualTo(200);
    assertThat(as(base, "bob", "POST", "/api/v1/jobs/ci/run", "").statusCode()).isEqualTo(201);

    // A tenant cannot list or disable accounts.
    assertThat(asAlice(base, "GET", "/api/v1/accounts", "").statusCode()).isEqualTo(403);
    assertThat(asAlice(base, "POST", "/api/v1/accounts/bob/disable", "").statusCode())
        .isEqualTo(403);

    // The admin disables alice with the CLI: her password and her runs stop.
    gryt.env("GRYT_URL", base);
    Gryt.Result disabled = gryt.run(PATIENCE, "cloud", "accounts", "disable", "alice");
    assertThat(disabled.exitCode()).as(disabled.err()).isZero();
    assertThat(disabled.out()).contains("account alice disabled (2 unfinished run(s) cancelled)");
    HttpResponse<String> login = asAlice(base, "GET", "/api/v1/accounts/me", "");
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(login.body()).contains("account alice is disabled");
    assertThat(as(base, "bob", "GET", "/api/v1/accounts/me", "").statusCode()).isEqualTo(200);
    Gryt.Result again = gryt.run(PATIENCE, "cloud", "accounts", "disable", "alice");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains("disabled already");
    assertThat(gryt.run(PATIENCE, "cloud", "accounts", "disable", "admin").err())
        .contains("the bootstrap admin cannot be disabled");
    Gryt.Result nobody = gryt.run(PATIENCE, "cloud", "accounts", "disable", "nobody");
    assertThat(nobody.exitCode()).isNotZero();
    assertThat(nobody.err()).contains("no account nobody");

    Gryt.Result list = gryt.run(PATIENCE, "cloud", "accounts", "list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.outLines().get(0)).startsWith("USERNAME").contains("STATUS");
    assertThat(list.outLines())
        .anySatisfy(l -> assertThat(l).startsWith("alice").contains("disabled"))
        .anySatisfy(l -> assertThat(l).startsWith("bob").contains("active"))
        .anySatisfy(l -> assertThat(l).startsWith("admin").contains("active"));
    JsonNode accounts = gryt.get(port, "/api/v1/accounts");
    assertThat(accounts.path("total").asInt()).isEqualTo(12);
    assertThat(accounts.toString()).doesNotContain("pbkdf2");
  }

  @Test
  void aDisabledAccountsApiKeyIsRefused() throws Exception {
    Gryt gryt = gryt();
    int port = start(gryt);
    String base = "http://127.0.0.1:" + port;
    assertThat(Files.readString(dir.resolve("server.log")))
        .contains("sign-up: open (the default while listening on loopback only");
    assertThat(signUp(base, "alice").statusCode()).isEqualTo(201);
    // Alice logs in with the CLI, which keeps an API key in her own GRYT_HOME.
    Gryt alice = new Gryt(dir.resolve("alice-home"), dir).env("GRYT_URL", base);
    Files.createDirectories(alice.home());
    Gryt.Result login =
        alice.runWithStdin(
            PATIENCE, PASSWORD + "\n", "cloud", "login", "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(alice.run(PATIENCE, "cloud", "whoami").exitCode()).isZero();

    assertThat(gryt.api(port, "POST", "/api/v1/accounts/alice/disable", "").statusCode())
        .isEqualTo(200);
    Gryt.Result refused = alice.run(PATIENCE, "cloud", "whoami");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("account alice is disabled");
  }

  @Test
  void aServerOtherMachinesReachIsClosedToSignUpByDefault() throws Exception {
    Gryt gryt = gryt();
    int port = start(gryt, "--host", "0.0.0.0");
    assertThat(Files.readString(dir.resolve("server.log")))
        .contains("sign-up: closed (the default when other machines can connect");
    HttpResponse<String> refused = signUp("http://127.0.0.1:" + port, "alice");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("sign-up is closed on this server");
    assertThat(gryt.api(port, "POST", "/api/v1/accounts/create", account("alice")).statusCode())
        .isEqualTo(201);
  }

  // ---------------------------------------------------------------- helpers

  static String account(String username) {
    return ResourceCodec.toJson(Map.of("username", username, "password", PASSWORD));
  }

  static HttpResponse<String> signUp(String base, String username) throws Exception {
    return Gryt.post(
        base + "/api/v1/accounts/create",
        Map.of("Content-Type", "application/json"),
        account(username));
  }

  static String apply(String yaml) {
    return ResourceCodec.toJson(Map.of("yaml_content", yaml));
  }

  static HttpResponse<String> asAlice(String base, String method, String path, String body)
      throws Exception {
    return as(base, "alice", method, path, body);
  }

  static HttpResponse<String> as(
      String base, String username, String method, String path, String body) throws Exception {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    return Gryt.send(
        method,
        base + path,
        Map.of("Authorization", basic, "Content-Type", "application/json"),
        body);
  }
}
