package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Attack 4 of issue 13: {@code gryt server}'s in-process agent listens on a loopback port, and any
 * local process that finds it (as {@code ss -ltnp} would, here through {@code /proc}) could post a
 * run or cancel real ones. Played against a real server process: every agent endpoint answers 401
 * without the server's token or with a wrong one, the posted run never runs, and the server's own
 * runs still do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAgentCredentialIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Path dir;
  private Gryt gryt;
  private Process server;
  private int port;
  private int agentPort;
  private String repoUrl;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-agent-credential-");
    gryt = new Gryt(dir.resolve("home"), Files.createDirectories(dir.resolve("work")));
    repoUrl = makeRepository();
    port = Gryt.freePort();
    Path log = dir.resolve("server.log");
    server =
        gryt.start(
            log,
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("server.db"),
            "--runner",
            "process");
    Gryt.awaitUp(server, log, "http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(180));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> otherListeningPorts(server.pid(), port).size() == 1);
    agentPort = otherListeningPorts(server.pid(), port).iterator().next();
  }

  @AfterAll
  void stop() {
    Gryt.stop(server);
  }

  @Test
  void everyAgentEndpointRefusesACallerWithoutTheServersToken() throws Exception {
    Path pwned = dir.resolve("pwned");
    String run =
        """
        {"run_id":"run-0000000000aa","attempt":1,
         "report_url":"http://127.0.0.1:%d/api/v1/agent/runs/run-0000000000aa/report",
         "report_token":"x","repo":{"git_url":"%s","ref":"main"},
         "pipeline":{"steps":[{"name":"own","command":"touch %s"}]}}
        """
            .formatted(port, repoUrl, pwned);
    for (Map<String, String> credential :
        List.of(
            Map.<String, String>of(),
            Map.of("Authorization", "Bearer wrong"),
            Map.of("Authorization", "Bearer "),
            Map.of("Authorization", "Basic YWRtaW46YWRtaW4="))) {
      assertThat(agent("POST", "/runs", run, credential).statusCode()).isEqualTo(401);
      assertThat(agent("POST", "/runs/run-0000000000aa/cancel", "", credential).statusCode())
          .isEqualTo(401);
      assertThat(agent("GET", "/health", "", credential).statusCode()).isEqualTo(401);
    }
    // Had it been accepted, the step would have run by the time the server's own run has.
    serversOwnRunSucceeds();
    assertThat(pwned).doesNotExist();
  }

  @Test
  void theServersOwnRunsStillRunOnItsAgent() throws Exception {
    serversOwnRunSucceeds();
  }

  private void serversOwnRunSucceeds() throws Exception {
    String manifests =
        """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: app}
        spec: {git_url: "%s", branch: main}
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: greet}
        spec:
          steps:
          - {name: greet, command: "cat hello.txt"}
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: greet}
        spec: {pipeline_name: greet, github_repo_name: app}
        """
            .formatted(repoUrl);
    String applyBody = ResourceCodec.toJson(Map.of("yaml_content", manifests));
    HttpResponse<String> applied = gryt.api(port, "POST", "/api/v1/apply", applyBody);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    HttpResponse<String> started = gryt.api(port, "POST", "/api/v1/jobs/greet/run", "{}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    Matcher id = Pattern.compile("run-[0-9a-f]+").matcher(started.body());
    assertThat(id.find()).isTrue();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(
                        gryt.get(port, "/api/v1/runs/" + id.group())
                            .path("status")
                            .path("phase")
                            .asText())
                    .isEqualTo("Succeeded"));
  }

  private HttpResponse<String> agent(
      String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The TCP ports process {@code pid} listens on, but {@code apiPort}: what ss -ltnp shows. */
  static Set<Integer> otherListeningPorts(long pid, int apiPort) throws IOException {
    Set<String> sockets = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            sockets.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor went away between the listing and the read
        }
      }
    }
    Set<Integer> ports = new TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> rows = new ArrayList<>(Files.readAllLines(Path.of(table)));
      rows.remove(0);
      for (String row : rows) {
        String[] f = row.trim().split("\\s+");
        // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the tenth column is the inode
        if ("0A".equals(f[3]) && sockets.contains(f[9])) {
          int p = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
          if (p != apiPort) {
            ports.add(p);
          }
        }
      }
    }
    return ports;
  }

  private String makeRepository() throws Exception {
    Path origin = dir.resolve("origin");
    try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
      PersonIdent me = new PersonIdent("gryt test", "test@gryt.dev");
      Files.writeString(origin.resolve("hello.txt"), "hello\n");
      git.add().addFilepattern("hello.txt").call();
      git.commit().setMessage("v1").setAuthor(me).setCommitter(me).setSign(false).call();
    }
    return origin.toUri().toString().replaceFirst("^file:/+", "file:///");
  }
}
