package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code gryt server} process is fed every kind of secret, rightly and wrongly; then its
 * whole output (log lines, errors) and every CLI output must hold none of them.
 */
class SecretsStayOutOfLogsIT {
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("bin/gryt");
  private static final String PASSWORD = "pw-" + "Z9x8C7v6B5n4M3";
  private static final String TOKEN = "ghp_" + "LeakCanaryToken1234567890";
  private static final String HOOK_SECRET = "whsec-" + "LeakCanary0987";
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void noSecretReachesTheLogOrAnyReply() throws Exception {
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
            LAUNCHER.toString(),
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("s.db"));
    builder.environment().put("GRYT_HOME", dir.resolve("home").toString());
    Path log = dir.resolve("server.log");
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    StringBuilder replies = new StringBuilder();
    try {
      String base = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> send("GET", base + "/healthz", null, null).body().contains("ok"));

      // Each secret is used for real (each reply is checked for the work it did), so that a
      // server refusing everything cannot pass for one that keeps secrets.
      replies.append(
          expect(
              201,
              send(
                  "POST",
                  base + "/api/v1/accounts/create",
                  ResourceCodec.toJson(Map.of("username", "dora", "password", PASSWORD)),
                  null)));
      String basic = "Basic " + Base64.getEncoder().encodeToString(("dora:" + PASSWORD).getBytes());
      String wrong =
          "Basic " + Base64.getEncoder().encodeToString(("dora:" + PASSWORD + "x").getBytes());
      replies.append(expect(401, send("GET", base + "/api/v1/accounts/me", null, wrong)));
      assertThat(expect(200, send("GET", base + "/api/v1/accounts/me", null, basic)))
          .contains("\"dora\"");
      var key =
          ResourceCodec.json()
              .readTree(
                  expect(201, send("POST", base + "/api/v1/api-keys", "{\"name\":\"k\"}", basic)))
              .path("data");
      String keySecret = key.path("secret").asText();
      assertThat(keySecret).isNotBlank();
      String manifest =
          """
          apiVersion: gryt.io/v1
          kind: GitHubRepo
          metadata: {name: app}
          spec: {git_url: "https://github.com/acme/app", access_token: "%s"}
          ---
          apiVersion: gryt.io/v1
          kind: Pipeline
          metadata: {name: build}
          spec: {steps: [{name: t, command: "echo"}]}
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
              .formatted(TOKEN, HOOK_SECRET);
      String applied =
          expect(
              200,
              send(
                  "POST",
                  base + "/api/v1/apply",
                  ResourceCodec.toJson(Map.of("yaml_content", manifest)),
                  basic));
      assertThat(
              ResourceCodec.json().readTree(applied).at("/data/results").findValuesAsText("action"))
          .containsExactly("created", "created", "created", "created");
      replies.append(applied);
      // A broken manifest holding the token: the error must not echo it.
      replies.append(
          expect(
              422,
              send(
                  "POST",
                  base + "/api/v1/apply",
                  ResourceCodec.toJson(
                      Map.of(
                          "yaml_content",
                          "kind: GitHubRepo\nspec: {access_token: " + TOKEN + ", bogus: 1}\n")),
                  basic)));
      for (String kind : List.of("github-repos", "webhooks", "api-keys")) {
        replies.append(expect(200, send("GET", base + "/api/v1/" + kind, null, basic)));
      }
      String repo = expect(200, send("GET", base + "/api/v1/github-repos/app", null, basic));
      assertThat(ResourceCodec.json().readTree(repo).at("/data/spec/access_token_set").asBoolean())
          .as("the repo says its token is set: %s", repo)
          .isTrue();
      replies.append(repo);
      String hook = expect(200, send("GET", base + "/api/v1/webhooks/hook", null, basic));
      assertThat(ResourceCodec.json().readTree(hook).at("/data/spec/secret_set").asBoolean())
          .as("the webhook says its secret is set: %s", hook)
          .isTrue();
      replies.append(hook);
      String hookKey = ResourceCodec.json().readTree(hook).at("/data/webhook_key").asText();
      assertThat(hookKey).isNotBlank();
      // A delivery with a wrong signature, then one with a bad HMAC request signature.
      replies.append(
          expect(
              401,
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/webhooks/run/" + hookKey))
                      .header("X-Hub-Signature-256", "sha256=00")
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())));
      replies.append(
          expect(
              401,
              send(
                  "GET",
                  base + "/api/v1/jobs",
                  null,
                  "HMAC " + key.path("key_id").asText() + ":2020-01-01T00:00:00Z:00")));
      // The CLI, logged in with the password, prints neither it nor the key's secret.
      CliRun.Result login =
          new CliRun(dir)
              .clock(Clock.systemUTC())
              .env("GRYT_HOME", dir.resolve("cli").toString())
              .env("GRYT_URL", base)
              .stdin(PASSWORD + "\n")
              .run("cloud", "login", "-u", "dora", "--password-stdin");
      assertThat(login.exitCode()).as(login.err()).isZero();
      replies.append(login.out()).append(login.err());
      // Signed with the real time: the server refuses a stamp far from its own clock.
      CliRun.Result repos =
          new CliRun(dir)
              .env("GRYT_HOME", dir.resolve("cli").toString())
              .env("GRYT_URL", base)
              .clock(java.time.Clock.systemUTC())
              .run("cloud", "get", "github-repos");
      assertThat(repos.exitCode()).as(repos.err()).isZero();
      assertThat(repos.out()).as("the logged-in CLI works").contains("app");
      replies.append(repos.out()).append(repos.err());
      await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofSeconds(1)).until(() -> true);

      String all = Files.readString(log) + replies;
      assertThat(all)
          .doesNotContain(PASSWORD)
          .doesNotContain(TOKEN)
          .doesNotContain(HOOK_SECRET)
          .doesNotContain(keySecret);
    } finally {
      server.destroy();
      server.waitFor();
    }
    assertThat(Files.readString(log))
        .doesNotContain(PASSWORD)
        .doesNotContain(TOKEN)
        .doesNotContain(HOOK_SECRET);
  }

  /** The reply's body, after checking it has {@code status}. */
  private static String expect(int status, HttpResponse<String> reply) {
    assertThat(reply.statusCode())
        .as("%s %s: %s", reply.request().method(), reply.request().uri(), reply.body())
        .isEqualTo(status);
    return reply.body();
  }

  private HttpResponse<String> send(String method, String url, String body, String auth)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
