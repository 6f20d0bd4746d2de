package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed-up tenant against a real {@code gryt server} and its in-process agent, playing attacks
 * 11 and 13 of the hostile-tenant issue: an image that is a podman option, a step that reads the
 * server's environment through {@code /proc/$PPID/environ} on the process runner, and a container
 * step that looks for its capabilities. Each must fail; the admin's own runs still run.
 */
class TenantStepIsolationIT {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String SERVER_SECRET = "server-only-" + Long.toHexString(System.nanoTime());
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private int port;
  private Gryt gryt;
  private String tenantAuth;

  /** Steps that print what they can see of the host; the Job has no repository. */
  private static String manifests(String image) {
    return """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: look}
        spec:
          image: "%s"
          steps:
            - name: look
              command: >-
                grep -E '^(CapEff|NoNewPrivs):' /proc/self/status;
                cat /proc/self/uid_map;
                (cat /proc/$PPID/environ; cat /proc/1/environ) 2>/dev/null | tr '\\0' '\\n'
                | grep -c GRYT_E2E_SERVER_SECRET || true
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: look}
        spec: {pipeline_name: look}
        """
        .formatted(image);
  }

  private Process startServer(String runner) throws Exception {
    port = Gryt.freePort();
    gryt = new Gryt(dir.resolve("home"), dir).env("GRYT_E2E_SERVER_SECRET", SERVER_SECRET);
    Path log = dir.resolve("server.log");
    Process server =
        gryt.start(
            log,
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("gryt.db"),
            "--runner",
            runner);
    // a first start may also build the launcher's class-data archive
    Gryt.awaitUp(server, log, "http://127.0.0.1:" + port + "/healthz", Duration.ofMinutes(3));
    HttpResponse<String> signup =
        send(
            "POST",
            "/api/v1/accounts/create",
            null,
            "{\"username\":\"mallory\",\"password\":\"a long enough password\"}");
    assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
    tenantAuth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("mallory:a long enough password".getBytes(StandardCharsets.UTF_8));
    return server;
  }

  @Test
  void aTenantsRunOnTheProcessRunnerStaysPendingAndTheAdminsRuns() throws Exception {
    Process server = startServer("process");
    try {
      // attack 11 at the door: an image that podman would read as an option never gets stored
      HttpResponse<String> privileged = apply(tenantAuth, manifests("--privileged"));
      assertThat(privileged.statusCode()).as(privileged.body()).isEqualTo(422);
      assertThat(privileged.body()).contains("spec.image").contains("must be an image reference");
      assertThat(send("GET", "/api/v1/pipelines/look", tenantAuth, "").statusCode()).isEqualTo(404);

      // attack 13: the process runner would run the tenant's step as the server's child
      HttpResponse<String> applied = apply(tenantAuth, manifests("localhost/gryt-base:latest"));
      assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
      String tenantRun = startRun(tenantAuth);
      JsonNode waiting = awaitReason(tenantAuth, tenantRun, "NoIsolatingAgent");
      assertThat(waiting.path("phase").asText()).isEqualTo("Pending");
      assertThat(condition(waiting, "Ready").path("message").asText())
          .startsWith("no agent isolates steps (1 healthy");
      assertThat(logs(tenantAuth, tenantRun)).doesNotContain(SERVER_SECRET);

      // the admin's own namespace still runs on the process runner, and is trusted with it
      HttpResponse<String> admin =
          gryt.api(
              port,
              "POST",
              "/api/v1/apply",
              ResourceCodec.json()
                  .writeValueAsString(
                      Map.of("yaml_content", manifests("localhost/gryt-base:latest"))));
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
      HttpResponse<String> adminRun = gryt.api(port, "POST", "/api/v1/jobs/look/run", "{}");
      assertThat(adminRun.statusCode()).as(adminRun.body()).isEqualTo(201);
      String adminId =
          ResourceCodec.json().readTree(adminRun.body()).path("data").path("run_id").asText();
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(
                          gryt.get(port, "/api/v1/runs/" + adminId)
                              .path("status")
                              .path("phase")
                              .asText())
                      .isEqualTo("Succeeded"));
      // the tenant's run is still where it was: it never ran
      assertThat(run(tenantAuth, tenantRun).path("phase").asText()).isEqualTo("Pending");
    } finally {
      Gryt.stop(server);
    }
  }

  @Test
  void aTenantsContainerStepHasNoCapabilityAndIsNobodyOnTheHost() throws Exception {
    Process server = startServer("container");
    try {
      HttpResponse<String> applied = apply(tenantAuth, manifests("localhost/gryt-base:latest"));
      assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
      String id = startRun(tenantAuth);
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> assertThat(run(tenantAuth, id).path("phase").asText()).isEqualTo("Succeeded"));
      String log = logs(tenantAuth, id);
      assertThat(log)
          .contains("CapEff:\t0000000000000000")
          .contains("NoNewPrivs:\t1")
          .doesNotContain(SERVER_SECRET);
      String uidMap =
          log.lines().filter(l -> l.trim().startsWith("0 ")).findFirst().orElseThrow().trim();
      long hostUid = Long.parseLong(uidMap.split("\\s+")[1]);
      assertThat(hostUid).as("uid 0 in the step is, on the host").isGreaterThanOrEqualTo(65536);
      // neither its parent nor pid 1 (its own shell) carries the server's variables
      assertThat(log.lines().toList()).contains("0");
    } finally {
      Gryt.stop(server);
    }
  }

  private HttpResponse<String> apply(String auth, String yaml) throws Exception {
    return send(
        "POST",
        "/api/v1/apply",
        auth,
        ResourceCodec.json().writeValueAsString(Map.of("yaml_content", yaml)));
  }

  private String startRun(String auth) throws Exception {
    String[] id = new String[1];
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              HttpResponse<String> r = send("POST", "/api/v1/jobs/look/run", auth, "{}");
              if (r.statusCode() == 201) {
                id[0] =
                    ResourceCodec.json().readTree(r.body()).path("data").path("run_id").asText();
              }
              return id[0] != null;
            });
    return id[0];
  }

  private JsonNode run(String auth, String id) throws Exception {
    return data(send("GET", "/api/v1/runs/" + id, auth, "")).path("status");
  }

  private JsonNode awaitReason(String auth, String id, String reason) throws Exception {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(condition(run(auth, id), "Ready").path("reason").asText())
                    .isEqualTo(reason));
    return run(auth, id);
  }

  private String logs(String auth, String id) throws Exception {
    StringBuilder text = new StringBuilder();
    for (JsonNode chunk :
        data(send("GET", "/api/v1/runs/" + id + "/logs", auth, "")).path("chunks")) {
      text.append(chunk.path("text").asText());
    }
    return text.toString();
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return ResourceCodec.json().createObjectNode();
  }

  private static JsonNode data(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ResourceCodec.json().readTree(response.body()).path("data");
  }

  private HttpResponse<String> send(String method, String path, String auth, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
