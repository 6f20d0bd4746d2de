package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.tls.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 5 end to end, with the real processes a user starts: {@code gryt server} on SQLite with no
 * agent of its own and two {@code gryt agent} processes over mutual TLS (certificates from {@code
 * gryt certs init}, the container runner on podman), and a local git repository as the GitHubRepo.
 * Every scenario asserts the state of the world: the JobRun through the API, its logs through
 * {@code gryt cloud runs logs}, containers through {@code podman ps -a}.
 *
 * <p>Agents heartbeat every second and the lease is 3 s, so a lost agent shows within seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentEndToEndIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String SECRET = "It's a Secret to Everybody";
  private static final int LEASE_SECONDS = 3;

  private Path dir;
  private Gryt gryt;
  private Path tls;
  private final int[] agentPorts = new int[2];
  private final Process[] agents = new Process[2];
  private int serverPort;
  private Process server;
  private ReportRelay relay;
  private String firstCommit;
  private String headCommit;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-e2e-");
    gryt = new Gryt(dir.resolve("home"), dir);
    Gryt.Result certs = gryt.run("certs", "init", "--out", "tls");
    assertThat(certs.exitCode()).as(certs.err()).isZero();
    tls = dir.resolve("tls");
    makeRepository();

    for (int i = 0; i < 2; i++) {
      agentPorts[i] = Gryt.freePort();
      agents[i] = startAgent(i);
    }
    serverPort = Gryt.freePort();
    relay = new ReportRelay(serverPort);
    Path log = dir.resolve("server.log");
    server =
        gryt.start(
            log,
            "server",
            "--port",
            "" + serverPort,
            "--db",
            "sqlite:" + dir.resolve("gryt.db"),
            "--agents",
            "0",
            "--agent",
            agentUrl(0),
            "--agent",
            agentUrl(1),
            "--agent-cert",
            "tls/client.crt",
            "--agent-key",
            "tls/client.key",
            "--agent-ca",
            "tls/ca.crt",
            "--advertise-url",
            "http://127.0.0.1:" + relay.port(),
            "--lease-seconds",
            "" + LEASE_SECONDS,
            "--max-attempts",
            "3");
    Gryt.awaitUp(server, log, serverUrl() + "/healthz", Duration.ofSeconds(60));
    for (int i = 0; i < 2; i++) {
      awaitAgentUp(i);
    }
    Path manifests = dir.resolve("ci.yaml");
    Files.writeString(manifests, manifests());
    Gryt.Result applied = cloud("apply", "-f", manifests.toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(cloud("get", "jobs").outLines())
                    .filteredOn(l -> !l.startsWith("NAME"))
                    .hasSize(5)
                    .allSatisfy(l -> assertThat(l).contains(" True ")));
  }

  @AfterAll
  void stop() throws IOException {
    Gryt.stop(server);
    for (Process agent : agents) {
      Gryt.stop(agent);
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void aSignedGitHubPushRunsEveryStepAtThePushedCommit() throws Exception {
    String url = serverUrl() + cloudJson("get", "webhook", "greet-hook").path("url").asText();
    String body =
        """
        {"ref": "refs/heads/main", "before": "%s", "after": "%s",
         "repository": {"full_name": "o/app"}, "pusher": {"name": "someone"}}
        """
            .formatted("0".repeat(40), firstCommit);

    HttpResponse<String> unsigned =
        Gryt.post(url, Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=00"), body);
    assertThat(unsigned.statusCode()).isEqualTo(401);

    HttpResponse<String> delivered =
        Gryt.post(
            url,
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-GitHub-Delivery",
                UUID.randomUUID().toString(),
                "X-Hub-Signature-256",
                signature(body),
                "Content-Type",
                "application/json"),
            body);
    assertThat(delivered.statusCode()).as(delivered.body()).isBetween(200, 202);
    String id =
        ResourceCodec.json().readTree(delivered.body()).path("data").path("run_id").asText();

    JsonNode status = awaitPhase(id, "Succeeded");
    // The pushed commit, not the branch's head: hello.txt as it was then.
    assertThat(status.path("commit").asText()).isEqualTo(firstCommit);
    assertThat(status.path("attempt").asInt()).isEqualTo(1);
    assertThat(status.path("steps").findValuesAsText("state"))
        .containsExactly("Succeeded", "Succeeded");
    assertThat(status.path("steps").findValuesAsText("exit_code")).containsExactly("0", "0");

    Gryt.Result logs = cloud("runs", "logs", id);
    assertThat(logs.exitCode()).as(logs.err()).isZero();
    assertThat(logs.outLines())
        .containsExactly(
            "==> step checkout-proof", "hello v1", "==> step greet", "greetings from " + id);
    assertThat(containersOf(id)).isEmpty();
  }

  @Test
  void aFailingStepFailsTheRunWithItsExitCode() throws Exception {
    String id = startRun("fails");
    JsonNode status = awaitPhase(id, "Failed");
    JsonNode steps = status.path("steps");
    assertThat(steps.findValuesAsText("state")).containsExactly("Failed", "Skipped");
    assertThat(steps.get(0).path("exit_code").asInt()).isEqualTo(3);
    assertThat(status.path("commit").asText()).isEqualTo(headCommit);
    assertThat(conditionMessage(status, "Succeeded")).contains("3");
    assertThat(cloud("runs", "logs", id).outLines())
        .containsExactly("==> step breaks", "about to fail", "hello v2");
    assertThat(containersOf(id)).isEmpty();
  }

  @Test
  void aStepOverItsTimeoutTimesTheRunOut() throws Exception {
    String id = startRun("slow");
    JsonNode status = awaitPhase(id, "TimedOut");
    assertThat(status.path("steps").get(0).path("state").asText()).isEqualTo("TimedOut");
    assertThat(cloud("runs", "logs", id).outLines())
        .containsExactly("==> step nap", "napping", "[gryt] step timed out after 2s; stopping it");
    assertThat(containersOf(id)).isEmpty();
  }

  @Test
  void cancelStopsTheStepAndRemovesItsContainer() throws Exception {
    String id = startRun("long");
    await().atMost(PATIENCE).until(() -> cloud("runs", "logs", id).out().contains("working"));
    assertThat(containersOf(id)).hasSize(1);

    long asked = System.nanoTime();
    Gryt.Result cancel = cloud("runs", "cancel", id);
    assertThat(cancel.exitCode()).as(cancel.err()).isZero();
    JsonNode status = awaitPhase(id, "Cancelled");
    await().atMost(Duration.ofSeconds(10)).until(() -> containersOf(id).isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(8));
    // The agent's own last report is refused (the run is over): the control plane ends the step.
    assertThat(status.path("steps").get(0).path("state").asText()).isEqualTo("Cancelled");
    assertThat(status.path("steps").get(0).path("finished_at").asText()).isNotEmpty();
  }

  @Test
  void aKilledAgentsRunMovesToTheOtherAgentAndItsLateReportIsRefused() throws Exception {
    String id = startRun("survive");
    await().atMost(PATIENCE).until(() -> cloud("runs", "logs", id).out().contains("step started"));
    JsonNode placed = run(id).path("status");
    assertThat(placed.path("attempt").asInt()).isEqualTo(1);
    int victim = agentUrl(0).equals(placed.path("agent").asText()) ? 0 : 1;
    assertThat(placed.path("agent").asText()).isEqualTo(agentUrl(victim));
    List<ReportRelay.Report> sent = relay.reports(id);
    ReportRelay.Report last = sent.get(sent.size() - 1);
    assertThat(last.answer()).isEqualTo(200);

    agents[victim].destroyForcibly().waitFor(); // SIGKILL, mid-step
    try {
      JsonNode done = awaitPhase(id, "Succeeded");
      assertThat(done.path("attempt").asInt()).isEqualTo(2);
      assertThat(done.path("agent").asText()).isEqualTo(agentUrl(1 - victim));
      assertThat(cloud("runs", "logs", id).outLines())
          .containsExactly(
              "==> step work",
              "step started",
              "==> step work (attempt 2)",
              "step started",
              "step finished");

      // The dead agent's last report, as it would arrive late: its token, its attempt.
      HttpResponse<String> late =
          Gryt.post(
              serverUrl() + last.path(),
              Map.of("Authorization", last.authorization(), "Content-Type", "application/json"),
              new String(last.body(), StandardCharsets.UTF_8));
      assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
      assertThat(run(id).path("status").path("phase").asText()).isEqualTo("Succeeded");
      // The first attempt's container ends by itself (podman --timeout), and is removed.
      await().atMost(PATIENCE).until(() -> containersOf(id).isEmpty());
      Path work = dir.resolve("work-" + victim);
      assertThat(workspacesOf(work, id)).hasSize(1);

      // Started again on the same work directory, it removes what the killed one left.
      agents[victim] = startAgent(victim);
      awaitAgentUp(victim);
      assertThat(workspacesOf(work, id)).isEmpty();
    } finally {
      if (!agents[victim].isAlive()) {
        agents[victim] = startAgent(victim);
        awaitAgentUp(victim);
      }
    }
  }

  @Test
  void clientsWithoutTheRightCertificateAreRefusedAtTheHandshake() throws Exception {
    Gryt.Result other = gryt.run("certs", "init", "--out", "other");
    assertThat(other.exitCode()).as(other.err()).isZero();
    String health = agentUrl(0) + "/health";

    HttpClient trusted =
        HttpClient.newBuilder().sslContext(trustOnly(tls.resolve("ca.crt"))).build();
    assertThatThrownBy(() -> getStatus(trusted, health)).isInstanceOf(IOException.class);

    HttpClient foreign =
        HttpClient.newBuilder()
            .sslContext(
                PemTls.clientContext(
                    tls.resolve("ca.crt"),
                    dir.resolve("other/client.crt"),
                    dir.resolve("other/client.key")))
            .build();
    assertThatThrownBy(() -> getStatus(foreign, health)).isInstanceOf(IOException.class);

    HttpClient ours =
        HttpClient.newBuilder()
            .sslContext(
                PemTls.clientContext(
                    tls.resolve("ca.crt"), tls.resolve("client.crt"), tls.resolve("client.key")))
            .build();
    assertThat(getStatus(ours, health)).isEqualTo(200);

    // A server that does not trust the agent's certificate places nothing on it.
    Path home = dir.resolve("home-distrust");
    Gryt distrusting = new Gryt(home, dir);
    int port = Gryt.freePort();
    Path log = dir.resolve("server-distrust.log");
    Process p =
        distrusting.start(
            log,
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("distrust.db"),
            "--agents",
            "0",
            "--agent",
            agentUrl(0),
            "--agent-cert",
            "tls/client.crt",
            "--agent-key",
            "tls/client.key",
            "--agent-ca",
            "other/ca.crt");
    try {
      Gryt.awaitUp(p, log, "http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(60));
      Gryt.Result applied =
          distrusting.run(
              "cloud", "--server", "http://127.0.0.1:" + port, "apply", "-f", "ci.yaml");
      assertThat(applied.exitCode()).as(applied.err()).isZero();
      Gryt.Result started =
          distrusting.run("cloud", "--server", "http://127.0.0.1:" + port, "jobs", "run", "greet");
      assertThat(started.exitCode()).as(started.err()).isZero();
      String id = runIdIn(started.out());
      // Its health check fails at the handshake, it says why, and the run waits for an agent.
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  Files.readString(log)
                      .contains("agent " + agentUrl(0) + " is down: TLS handshake failed"));
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                JsonNode status =
                    ResourceCodec.json()
                        .readTree(distrusting.api(port, "GET", "/api/v1/runs/" + id, "").body())
                        .path("data")
                        .path("status");
                assertThat(status.path("phase").asText()).isEqualTo("Pending");
                assertThat(status.path("agent").isMissingNode()).isTrue();
                assertThat(conditionReason(status, "Ready")).isEqualTo("NoAgent");
                assertThat(conditionMessage(status, "Ready"))
                    .isEqualTo("no agent is healthy (1 configured); waiting for one to answer");
              });
    } finally {
      Gryt.stop(p);
    }
  }

  // --- the world -----------------------------------------------------------------------------

  private void makeRepository() throws Exception {
    Path origin = dir.resolve("origin");
    try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
      PersonIdent me = new PersonIdent("gryt test", "test@gryt.dev");
      Files.writeString(origin.resolve("hello.txt"), "hello v1\n");
      git.add().addFilepattern("hello.txt").call();
      firstCommit =
          git.commit().setMessage("v1").setAuthor(me).setCommitter(me).setSign(false).call().name();
      Files.writeString(origin.resolve("hello.txt"), "hello v2\n");
      git.add().addFilepattern("hello.txt").call();
      headCommit =
          git.commit().setMessage("v2").setAuthor(me).setCommitter(me).setSign(false).call().name();
    }
  }

  private String manifests() {
    String url = dir.resolve("origin").toUri().toString().replaceFirst("^file:/+", "file:///");
    StringBuilder sb = new StringBuilder();
    sb.append(
        """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: app}
        spec: {git_url: "%s", branch: main}
        ---
        apiVersion: gryt.io/v1
        kind: Webhook
        metadata: {name: greet-hook}
        spec: {job_name: greet, secret: "%s"}
        """
            .formatted(url, SECRET));
    pipeline(
        sb,
        "greet",
        """
        - {name: checkout-proof, command: "cat hello.txt"}
        - {name: greet, command: "echo greetings from $GRYT_RUN_ID"}
        """);
    pipeline(
        sb,
        "fails",
        """
        - {name: breaks, command: "echo about to fail; cat hello.txt; exit 3"}
        - {name: never, command: "echo never"}
        """);
    pipeline(
        sb,
        "slow",
        """
        - {name: nap, command: "echo napping; sleep 30", timeout_seconds: 2}
        """);
    pipeline(
        sb,
        "long",
        """
        - {name: work, command: "echo working; sleep 60", timeout_seconds: 90}
        """);
    pipeline(
        sb,
        "survive",
        """
        - {name: work, command: "echo step started; sleep 4; echo step finished", timeout_seconds: 20}
        """);
    return sb.toString();
  }

  private static void pipeline(StringBuilder sb, String name, String steps) {
    sb.append(
        """
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: %1$s}
        spec:
          steps:
        %2$s---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: %1$s}
        spec: {pipeline_name: %1$s, github_repo_name: app}
        """
            .formatted(name, steps.indent(4)));
  }

  private Process startAgent(int i) throws IOException {
    return gryt.start(
        dir.resolve("agent-" + i + ".log"),
        "agent",
        "--host",
        "127.0.0.1",
        "--port",
        "" + agentPorts[i],
        "--tls-cert",
        "tls/agent.crt",
        "--tls-key",
        "tls/agent.key",
        "--ca",
        "tls/ca.crt",
        "--runner",
        "container",
        "--capacity",
        "2",
        "--heartbeat-seconds",
        "1",
        "--work-dir",
        dir.resolve("work-" + i).toString());
  }

  private void awaitAgentUp(int i) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(
                PemTls.clientContext(
                    tls.resolve("ca.crt"), tls.resolve("client.crt"), tls.resolve("client.key")))
            .build();
    Path log = dir.resolve("agent-" + i + ".log");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              if (!agents[i].isAlive()) {
                throw new AssertionError("agent exited:\n" + Files.readString(log));
              }
              return getStatus(client, agentUrl(i) + "/health") == 200;
            });
  }

  private String agentUrl(int i) {
    return "https://127.0.0.1:" + agentPorts[i];
  }

  private String serverUrl() {
    return "http://127.0.0.1:" + serverPort;
  }

  private Gryt.Result cloud(String... args) {
    List<String> all = new ArrayList<>(List.of("cloud", "--server", serverUrl()));
    all.addAll(List.of(args));
    return gryt.run(all.toArray(String[]::new));
  }

  private JsonNode cloudJson(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json"));
    Gryt.Result r = cloud(all.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return ResourceCodec.json().readTree(r.out());
  }

  private String startRun(String job) {
    Gryt.Result r = cloud("jobs", "run", job);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return runIdIn(r.out());
  }

  private static String runIdIn(String out) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("run-[0-9a-f]+").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group();
  }

  private JsonNode run(String id) throws Exception {
    return gryt.get(serverPort, "/api/v1/runs/" + id);
  }

  private JsonNode awaitPhase(String id, String phase) throws Exception {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> assertThat(run(id).path("status").path("phase").asText()).isEqualTo(phase));
    return run(id).path("status");
  }

  private static String conditionReason(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("reason").asText();
      }
    }
    return null;
  }

  private static String conditionMessage(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("message").asText();
      }
    }
    return "";
  }

  /** The workspaces (not their lock files) an agent's work directory holds for one run. */
  private static List<String> workspacesOf(Path work, String runId) throws IOException {
    try (var files = Files.list(work)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(runId + "-") && !n.endsWith(".lock"))
          .toList();
    }
  }

  /** Every container podman knows (running or not) for one run. */
  private static List<String> containersOf(String runId) throws Exception {
    Process p =
        new ProcessBuilder("podman", "ps", "-a", "--format", "{{.Names}}")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().filter(n -> n.startsWith("gryt-" + runId + "-")).toList();
  }

  private static String signature(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static int getStatus(HttpClient client, String url) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Trusts the agents' CA but shows no client certificate. */
  private static SSLContext trustOnly(Path ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(ca)) {
      trust.setCertificateEntry(
          "ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
