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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack 9 of the hostile-tenant issue: a signed-up tenant gives a real {@code gryt server} process
 * a webhook secret and a repository token, and reads its webhook's trigger key; whoever later gets
 * a copy of the SQLite file (a backup, another local user) must find none of the three in its
 * bytes, and another local user cannot read the file or list the master key's directory at all.
 */
class HostileSecretsIT {
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("bin/gryt");
  private static final String PASSWORD = "pw-" + "Hostile0Tenant9";
  private static final String TOKEN = "ghp_" + "SealedTokenCanary123456789";
  private static final String HOOK_SECRET = "whsec-" + "SealedCanary4321";
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void noSecretIsInTheDatabaseFileAndTheFilesArePrivate() throws Exception {
    int port = freePort();
    Path db = dir.resolve("data/gryt.db");
    Path home = dir.resolve("home");
    ProcessBuilder builder =
        new ProcessBuilder(
            LAUNCHER.toString(),
            "server",
            "--port",
            "" + port,
            "--agents",
            "0",
            "--db",
            "sqlite:" + db);
    builder.environment().put("GRYT_HOME", home.toString());
    builder.environment().remove("GRYT_MASTER_KEY");
    Path log = dir.resolve("server.log");
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String hookKey;
    try {
      String base = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> send("GET", base + "/healthz", null, null).body().contains("ok"));
      assertThat(
              send(
                      "POST",
                      base + "/api/v1/accounts/create",
                      ResourceCodec.toJson(Map.of("username", "mallory", "password", PASSWORD)),
                      null)
                  .statusCode())
          .isEqualTo(201);
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("mallory:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
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
      HttpResponse<String> applied =
          send(
              "POST",
              base + "/api/v1/apply",
              ResourceCodec.toJson(Map.of("yaml_content", manifest)),
              basic);
      assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
      // Applied again unchanged, then changed: more event-log rows, each a chance to leak.
      send(
          "POST",
          base + "/api/v1/apply",
          ResourceCodec.toJson(Map.of("yaml_content", manifest)),
          basic);
      HttpResponse<String> hook = send("GET", base + "/api/v1/webhooks/hook", null, basic);
      assertThat(hook.statusCode()).as(hook.body()).isEqualTo(200);
      hookKey = ResourceCodec.json().readTree(hook.body()).at("/data/webhook_key").asText();
      assertThat(hookKey).startsWith("wh_");
      assertThat(hook.body()).doesNotContain(HOOK_SECRET);
      // The owner reads the same key back (from its sealed copy), and it still triggers.
      assertThat(send("GET", base + "/api/v1/webhooks/hook", null, basic).body()).contains(hookKey);
      HttpResponse<String> triggered =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/webhooks/run/" + hookKey))
                  .header("Content-Type", "application/json")
                  .header("X-GitHub-Event", "push")
                  .header("X-Hub-Signature-256", githubSignature(HOOK_SECRET, "{}"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // Its secret was opened from the sealed copy: the signature verifies (no 401).
      assertThat(triggered.statusCode()).as(triggered.body()).isNotEqualTo(401).isLessThan(500);
    } finally {
      server.destroy();
      server.waitFor();
    }

    String bytes = "";
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      Path file = Path.of(db + suffix);
      if (Files.exists(file)) {
        bytes += new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file + " is for the server's user only")
            .isEqualTo("rw-------");
      }
    }
    assertThat(bytes).isNotEmpty();
    assertThat(bytes)
        .as("the database file's bytes")
        .doesNotContain(HOOK_SECRET)
        .doesNotContain(TOKEN)
        .doesNotContain(hookKey);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("server"))))
        .isEqualTo("rwx------");
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

  private static String githubSignature(String secret, String body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256="
        + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
