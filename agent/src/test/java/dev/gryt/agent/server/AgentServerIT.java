package dev.gryt.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gryt.agent.run.ReportClient;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.agent.runner.ProcessRunner;
import dev.gryt.agent.testing.ReportReceiver;
import dev.gryt.agent.testing.TestRepos;
import dev.gryt.agent.tls.CertificateSet;
import dev.gryt.tls.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path certs;
  private AgentServer agent;
  private ReportReceiver receiver;
  private Git origin;
  private HttpClient client;
  private String base;

  @BeforeEach
  void setUp() throws Exception {
    certs = tmp.resolve("certs");
    CertificateSet.write(certs, List.of(), false);
    receiver = new ReportReceiver();
    origin = TestRepos.create(tmp.resolve("origin"));
    RunExecutor executor =
        new RunExecutor(
            new ProcessRunner(),
            ReportClient.plain(),
            Files.createDirectories(tmp.resolve("work")),
            1,
            Clock.systemUTC(),
            RunExecutor.Options.defaults().withHeartbeat(Duration.ofSeconds(1)));
    agent =
        AgentServer.start(
            "127.0.0.1",
            0,
            new AgentTls(
                certs.resolve(CertificateSet.AGENT_CERT),
                certs.resolve(CertificateSet.AGENT_KEY),
                certs.resolve(CertificateSet.CA_CERT)),
            executor,
            "test-version");
    base = "https://127.0.0.1:" + agent.port();
    client =
        client(certs.resolve(CertificateSet.CLIENT_CERT), certs.resolve(CertificateSet.CLIENT_KEY));
  }

  @AfterEach
  void tearDown() {
    agent.close();
    receiver.close();
    origin.close();
  }

  private HttpClient client(Path cert, Path key) throws IOException {
    SSLContext ssl = PemTls.clientContext(certs.resolve(CertificateSet.CA_CERT), cert, key);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A run of the admin's namespace {@code default}: the process runner takes only those. */
  private String run(String runId, int attempt, String command) {
    return run(runId, attempt, command, "default");
  }

  private String run(String runId, int attempt, String command, String namespace) {
    return """
        {"run_id":"%s",%s"attempt":%d,"report_url":"%s","report_token":"tok-1",
         "repo":{"git_url":"%s","ref":"main"},
         "pipeline":{"steps":[{"name":"only","command":"%s"}]}}
        """
        .formatted(
            runId,
            namespace == null ? "" : "\"namespace\":\"" + namespace + "\",",
            attempt,
            receiver.url(),
            TestRepos.url(origin),
            command);
  }

  @Test
  void theProcessRunnerRefusesATenantsRunSoItsStepNeverReadsTheAgentsEnvironment()
      throws Exception {
    assertThat(JSON.readTree(get(client, "/health").body()).path("isolates").asBoolean(true))
        .isFalse();
    Path loot = tmp.resolve("loot");
    // what a tenant's step on the process runner did before: the agent's (the server's)
    // environment, tokens and all, is its parent's
    String steal = "cat /proc/$PPID/environ > " + loot;
    for (String namespace : java.util.Arrays.asList("t1a2b3c4d-default", "g0011aabb-ci", null)) {
      HttpResponse<String> refused = post("/runs", run("run-steal", 1, steal, namespace));
      assertThat(refused.statusCode()).as(namespace).isEqualTo(403);
      assertThat(JSON.readTree(refused.body()).path("message").asText())
          .as(namespace)
          .startsWith("this agent's runner (process) does not isolate steps");
    }
    assertThat(JSON.readTree(get(client, "/health").body()).path("running").asInt()).isZero();
    assertThat(receiver.phases()).isEmpty();
    assertThat(loot).doesNotExist();
    // the admin's own run still runs there, and may read what the admin trusts it with
    assertThat(post("/runs", run("run-admin", 1, steal + " && echo read")).statusCode())
        .isEqualTo(202);
    assertThat(receiver.awaitFinal(Duration.ofSeconds(30)).path("phase").asText())
        .isEqualTo("Succeeded");
    assertThat(receiver.log("only")).isEqualTo("read\n");
    assertThat(loot).exists();
  }

  @Test
  void anImageThatIsAnOptionIs400() throws Exception {
    HttpResponse<String> response =
        post(
            "/runs",
            """
            {"run_id":"run-img","namespace":"default","attempt":1,"report_url":"%s",
             "report_token":"t","pipeline":{"image":"docker://x",
             "steps":[{"name":"a","command":"id","image":"--privileged"}]}}
            """
                .formatted(receiver.url()));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("pipeline.image: \\\"docker://x\\\" must be an image reference")
        .contains("pipeline.steps[0].image: \\\"--privileged\\\" must be an image reference");
  }

  @Test
  void healthOverMutualTls() throws Exception {
    HttpResponse<String> response = get(client, "/health");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = JSON.readTree(response.body());
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("version").asText()).isEqualTo("test-version");
    assertThat(health.path("runtime").asText()).isEqualTo("process");
    assertThat(health.path("capacity").asInt()).isEqualTo(1);
    assertThat(health.path("running").asInt()).isZero();
  }

  @Test
  void aClientWithoutACertificateIsRefusedAtTheHandshake() throws Exception {
    assertRefusedAtTheHandshake(client(null, null));
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedAtTheHandshake() throws Exception {
    Path other = tmp.resolve("other");
    CertificateSet.write(other, List.of(), false);
    // trusts our agent, but presents a client certificate our CA never signed
    SSLContext ssl =
        PemTls.clientContext(
            certs.resolve(CertificateSet.CA_CERT),
            other.resolve(CertificateSet.CLIENT_CERT),
            other.resolve(CertificateSet.CLIENT_KEY));
    assertRefusedAtTheHandshake(HttpClient.newBuilder().sslContext(ssl).build());
  }

  /**
   * {@code refused} gets no answer, and the run it asks for never starts; the very same request
   * from the server's certificate starts it, so it was the certificate that was refused.
   */
  private void assertRefusedAtTheHandshake(HttpClient refused) throws Exception {
    Path marker = tmp.resolve("started");
    String body = run("run-handshake", 1, "touch " + marker);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/runs"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    assertThatThrownBy(() -> refused.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(refused, "/health")).isInstanceOf(IOException.class);
    assertThat(JSON.readTree(get(client, "/health").body()).path("running").asInt()).isZero();
    assertThat(receiver.reports()).isEmpty();
    assertThat(marker).doesNotExist();

    assertThat(post("/runs", body).statusCode()).isEqualTo(202);
    assertThat(receiver.awaitFinal(Duration.ofSeconds(30)).path("phase").asText())
        .isEqualTo("Succeeded");
    assertThat(marker).exists();
  }

  @Test
  void plainHttpGetsNoAnswerFromTheTlsPort() {
    HttpClient plain = HttpClient.newHttpClient();
    String url = "http://127.0.0.1:" + agent.port() + "/health";
    boolean answered;
    try {
      HttpResponse<String> response =
          plain.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      answered = response.statusCode() == 200;
    } catch (Exception e) {
      answered = false;
    }
    assertThat(answered).isFalse();
  }

  @Test
  void startsARunThatReportsToTheServer() throws Exception {
    HttpResponse<String> response = post("/runs", run("run-ok", 1, "echo hello from the agent"));
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(response.body()).path("run_id").asText()).isEqualTo("run-ok");
    JsonNode last = receiver.awaitFinal(Duration.ofSeconds(30));
    assertThat(last.path("phase").asText()).isEqualTo("Succeeded");
    assertThat(receiver.log("only")).isEqualTo("hello from the agent\n");
    assertThat(receiver.authorizations()).allMatch("Bearer tok-1"::equals);
  }

  @Test
  void badBodiesAre400WithEveryProblem() throws Exception {
    HttpResponse<String> response =
        post(
            "/runs",
            """
            {"run_id":"","attempt":-1,"report_url":"ftp://x","repo":{"ref":"main"},
             "pipeline":{"resources":{"cpu":"lots"},"steps":[{"name":"a","command":"true"},{"name":"a"}]}}
            """);
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("problems").findValuesAsText("")).isEmpty(); // problems are plain strings
    List<String> problems =
        JSON.convertValue(
            body.path("problems"),
            JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    assertThat(problems)
        .contains(
            "run_id: required",
            "attempt: must be >= 0",
            "report_url: must be an http:// or https:// URL",
            "report_token: required",
            "repo.git_url: required",
            "pipeline.resources.cpu: not a CPU quantity (e.g. 500m, 2)",
            "pipeline.steps[1].name: duplicate step name 'a'",
            "pipeline.steps[1].command: required");
    for (String bad :
        List.of(
            "",
            "not json",
            "[]",
            "{\"attempt\":\"one\"}",
            "{\"pipeline\":{\"steps\":7}}",
            "null")) {
      HttpResponse<String> r = post("/runs", bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("problems").size()).as(bad).isPositive();
    }
  }

  @Test
  void fullAgentIs503AndTheSameAttemptIs409() throws Exception {
    assertThat(post("/runs", run("run-long", 1, "sleep 30")).statusCode()).isEqualTo(202);
    assertThat(post("/runs", run("run-long", 1, "sleep 30")).statusCode()).isEqualTo(409);
    HttpResponse<String> full = post("/runs", run("run-other", 1, "true"));
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(full.body()).path("message").asText()).isEqualTo("at capacity");
    assertThat(JSON.readTree(get(client, "/health").body()).path("running").asInt()).isEqualTo(1);
    assertThat(post("/runs/run-long/cancel", "").statusCode()).isEqualTo(202);
    assertThat(receiver.awaitFinal(Duration.ofSeconds(5)).path("phase").asText())
        .isEqualTo("Cancelled");
    assertThat(post("/runs/run-nope/cancel", "").statusCode()).isEqualTo(404);
  }

  @Test
  void aStaleAttemptAnswerStopsTheRun() throws Exception {
    assertThat(post("/runs", run("run-stale", 1, "echo up; sleep 30")).statusCode()).isEqualTo(202);
    receiver.await(r -> r.path("logs").toString().contains("up"), Duration.ofSeconds(30));
    receiver.answer(409);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int running = 1;
    while (running > 0 && System.nanoTime() < deadline) {
      running = JSON.readTree(get(client, "/health").body()).path("running").asInt();
      Thread.sleep(50);
    }
    assertThat(running).isZero();
    assertThat(receiver.phases()).containsOnly("Running");
    assertThat(Files.list(tmp.resolve("work"))).isEmpty();
  }
}
