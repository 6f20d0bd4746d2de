package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 13, attacks 1, 10 and 14, against a real {@code gryt server} (SQLite, as bin/quickstart
 * runs it, as root on these machines) and a real {@code gryt agent --runner sandbox
 * --allow-network}: a pipeline's steps try to read the server's master key and admin key file
 * through a file handle, mount devtmpfs, reach the API and PostgreSQL on the host's loopback, and
 * leave a link to a host file for the workspace cleanup. Each of these worked before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxAttacksEndToEndIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private Path dir;
  private Gryt gryt;
  private int serverPort;
  private int agentPort;
  private Process server;
  private Process agent;
  private Path canary;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-sandbox-e2e-");
    gryt = new Gryt(dir.resolve("home"), dir);
    canary = Files.writeString(dir.resolve("host-file"), "host");
    Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("r--r-----"));
    makeRepository();
    agentPort = Gryt.freePort();
    Path agentLog = dir.resolve("agent.log");
    agent =
        gryt.start(
            agentLog,
            "agent",
            "--insecure",
            "--host",
            "127.0.0.1",
            "--port",
            "" + agentPort,
            "--runner",
            "sandbox",
            "--allow-network",
            "--work-dir",
            dir.resolve("work").toString());
    Gryt.awaitUp(
        agent, agentLog, "http://127.0.0.1:" + agentPort + "/health", Duration.ofSeconds(60));
    serverPort = Gryt.freePort();
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
            "http://127.0.0.1:" + agentPort);
    Gryt.awaitUp(server, log, serverUrl() + "/healthz", Duration.ofSeconds(60));
    Path manifests = dir.resolve("ci.yaml");
    Files.writeString(manifests, manifests());
    Gryt.Result applied = cloud("apply", "-f", manifests.toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
  }

  @AfterAll
  void stop() {
    Gryt.stop(server);
    Gryt.stop(agent);
  }

  @Test
  void aTenantsStepCannotReachTheServersKeysTheHostOrItsLoopback() throws Exception {
    Path masterKey = gryt.home().resolve("server/master.key");
    Path adminKey = gryt.home().resolve("servers/127.0.0.1-" + serverPort + ".json");
    assertThat(masterKey).exists();
    assertThat(adminKey).exists();
    String adminSecret =
        ResourceCodec.json().readTree(adminKey.toFile()).path("api_key_secret").asText();
    assertThat(adminSecret).isNotBlank();

    String url = serverUrl() + cloudJson("get", "webhook", "attack").path("url").asText();
    HttpResponse<String> triggered =
        Gryt.post(url, Map.of("Content-Type", "application/json"), "{\"ref\":\"refs/heads/main\"}");
    assertThat(triggered.statusCode()).as(triggered.body()).isBetween(200, 202);
    String id =
        ResourceCodec.json().readTree(triggered.body()).path("data").path("run_id").asText();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(
                        gryt.get(serverPort, "/api/v1/runs/" + id)
                            .path("status")
                            .path("phase")
                            .asText())
                    .isIn("Succeeded", "Failed"));
    Gryt.Result logs = cloud("runs", "logs", id);
    assertThat(logs.exitCode()).as(logs.err()).isZero();
    String out = logs.out();
    assertThat(out).doesNotContain(adminSecret).doesNotContain("READ ");
    assertThat(out)
        .contains("CapEff:\t0000000000000000")
        .contains("handle-refused")
        .contains("mount-refused")
        .contains("api-refused")
        .contains("postgres-refused")
        .contains("planted");
    assertThat(out).doesNotContain("MOUNTED").doesNotContain("REACHED");

    // attack 10: once the run is over its workspace is gone, and the linked host file unchanged
    Path work = dir.resolve("work");
    await().atMost(PATIENCE).until(() -> isEmpty(work));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(canary)))
        .isEqualTo("r--r-----");
  }

  private static boolean isEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private void makeRepository() throws Exception {
    Path origin = dir.resolve("origin");
    try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
      PersonIdent me = new PersonIdent("gryt test", "test@gryt.dev");
      Files.writeString(origin.resolve("attack.py"), HANDLE_ATTACK);
      git.add().addFilepattern("attack.py").call();
      git.commit().setMessage("attack").setAuthor(me).setCommitter(me).setSign(false).call();
    }
  }

  private String manifests() {
    String url = dir.resolve("origin").toUri().toString().replaceFirst("^file:/+", "file:///");
    Path home = gryt.home();
    String steps =
        String.join(
            "\n",
            "- {name: caps, command: \"grep CapEff /proc/self/status\"}",
            "- name: handle",
            "  command: python3 attack.py "
                + home.resolve("server/master.key")
                + "; python3 attack.py "
                + home.resolve("servers/127.0.0.1-" + serverPort + ".json"),
            "- name: mount",
            "  command: mkdir /tmp/d; mount -t devtmpfs none /tmp/d && echo MOUNTED || echo"
                + " mount-refused",
            "- name: loopback",
            "  command: >-",
            "    timeout 5 bash -c 'echo > /dev/tcp/127.0.0.1/"
                + serverPort
                + "' 2>/dev/null && echo API-REACHED || echo api-refused;",
            "    timeout 5 bash -c 'echo > /dev/tcp/127.0.0.1/5432' 2>/dev/null",
            "    && echo POSTGRES-REACHED || echo postgres-refused",
            "- {name: plant, command: \"ln -s " + canary + " link && echo planted\"}",
            "");
    return """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: app}
        spec: {git_url: "%s", branch: main}
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: attack}
        spec:
          steps:
        %s---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: attack}
        spec: {pipeline_name: attack, github_repo_name: app}
        ---
        apiVersion: gryt.io/v1
        kind: Webhook
        metadata: {name: attack}
        spec: {job_name: attack}
        """
        .formatted(url, steps.indent(4));
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

  /** open_by_handle_at on inode 2 (an ext4 root) of the workspace's file system, then openat. */
  private static final String HANDLE_ATTACK =
      String.join(
          "\n",
          "import ctypes, os, sys, struct",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "class FH(ctypes.Structure):",
          "    _fields_ = [('handle_bytes', ctypes.c_uint), ('handle_type', ctypes.c_int),"
              + " ('f_handle', ctypes.c_char * 8)]",
          "fh = FH(8, 1, struct.pack('<II', 2, 0))",
          "mfd = os.open('/workspace', os.O_RDONLY)",
          "fd = libc.open_by_handle_at(mfd, ctypes.byref(fh), os.O_RDONLY | os.O_DIRECTORY)",
          "if fd < 0:",
          "    print('handle-refused: ' + os.strerror(ctypes.get_errno()))",
          "    sys.exit(0)",
          "parts = sys.argv[1].strip('/').split('/')",
          "for i in range(len(parts)):",
          "    try:",
          "        f = os.open('/'.join(parts[i:]), os.O_RDONLY, dir_fd=fd)",
          "        print('READ ' + os.read(f, 100).decode().strip())",
          "        break",
          "    except OSError:",
          "        pass",
          "else:",
          "    print('handle-open-but-not-found')",
          "");
}
