package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 13, attacks 2, 5 and 12, played by a signed-up tenant against a real {@code gryt server}
 * process with its in-process agent: the server's environment holds a token the admin even allowed
 * for {@code token_env}, a listener of the test's own stands for the tenant's git server and for a
 * service on loopback, and a git repository on the host stands for the server's checkout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileReachIT {
  private static final String SERVER_TOKEN = "ghp_TheServersOwnToken0123456789";
  private static final String PASSWORD = "a long enough password";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Path dir;
  private int port;
  private Process server;
  private Listener listener;
  private String tenant;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-hostile-reach-");
    listener = Listener.start();
    Gryt gryt = new Gryt(dir.resolve("home"), dir).env("SOME_VAR", SERVER_TOKEN);
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
            "--repo-token-env",
            "SOME_VAR");
    Gryt.awaitUp(server, log, "http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(300));
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/accounts/create",
            ResourceCodec.toJson(Map.of("username", "mallory", "password", PASSWORD)),
            null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    tenant =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("mallory:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  void stop() throws IOException {
    Gryt.stop(server);
    if (listener != null) {
      listener.close();
    }
  }

  @Test
  void aTenantsTokenEnvNeverSendsTheServersVariable() throws Exception {
    apply(
        repo("steal-env", "http://127.0.0.1:" + listener.port() + "/r.git", "token_env: SOME_VAR"));
    JsonNode ready = awaitReady("steal-env");
    assertThat(ready.path("status").asText()).isEqualTo("False");
    assertThat(ready.path("reason").asText()).isEqualTo("TokenEnvNotAllowed");
    assertThat(ready.toString()).doesNotContain(SERVER_TOKEN);
    String basic =
        Base64.getEncoder()
            .encodeToString(("x-access-token:" + SERVER_TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(listener.received()).doesNotContain(SERVER_TOKEN).doesNotContain(basic);
  }

  @Test
  void anSshHostThatSshWouldReadAsAnOptionIsRefusedAtApply() throws Exception {
    Path marker = dir.resolve("pwned");
    HttpResponse<String> applied =
        send(
            "POST",
            "/api/v1/apply",
            ResourceCodec.toJson(
                Map.of(
                    "yaml_content",
                    repo("ssh-opt", "'ssh://-oProxyCommand=touch%20" + marker + "/r.git'", ""))),
            tenant);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(422);
    JsonNode detail = ResourceCodec.json().readTree(applied.body()).path("detail");
    assertThat(detail.toString()).contains("spec.git_url", "must not start with '-'");
    assertThat(marker).doesNotExist();
  }

  @Test
  void aTenantsFileRepositoryIsRefusedAndNoRunReadsTheHostsRepository() throws Exception {
    Path host = dir.resolve("server-checkout");
    RevCommit head = hostRepository(host);
    apply(
        repo("host-files", "file://" + host, "")
            + "---\n"
            + "apiVersion: gryt.io/v1\nkind: Pipeline\nmetadata: {name: snoop}\nspec:\n"
            + "  steps:\n    - {name: show, command: \"cat README; git log -1 --format=%H\"}\n"
            + "---\n"
            + "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: snoop}\nspec:\n"
            + "  pipeline_name: snoop\n  github_repo_name: host-files\n");
    JsonNode ready = awaitReady("host-files");
    assertThat(ready.path("status").asText()).isEqualTo("False");
    assertThat(ready.path("reason").asText()).isEqualTo("UrlRefused");
    assertThat(ready.path("message").asText())
        .isEqualTo(
            "spec.git_url: local repositories and remote helpers (file://, paths, ext::) are for"
                + " the admin's namespaces only");

    HttpResponse<String> started = send("POST", "/api/v1/jobs/snoop/run", "", tenant);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String id = ResourceCodec.json().readTree(started.body()).at("/data/run_id").asText();
    // The run goes nowhere: it ends, or waits on the repo that is not ready, never Succeeded.
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode status = get("/api/v1/runs/" + id).path("status");
              String phase = status.path("phase").asText();
              return phase.equals("Failed")
                  || phase.equals("Succeeded")
                  || status.path("conditions").toString().contains("NotReady");
            });
    assertThat(get("/api/v1/runs/" + id).path("status").path("phase").asText())
        .isNotEqualTo("Succeeded");
    HttpResponse<String> logs = send("GET", "/api/v1/runs/" + id + "/logs", "", tenant);
    assertThat(logs.body()).doesNotContain("the server's own checkout").doesNotContain(head.name());
  }

  @Test
  void aTenantsLoopbackRepositoryIsRefusedAlikeWhetherThePortIsOpenOrClosed() throws Exception {
    int closed = Gryt.freePort();
    apply(
        repo("loop-open", "http://127.0.0.1:" + listener.port() + "/open.git", "")
            + "---\n"
            + repo("loop-closed", "http://127.0.0.1:" + closed + "/closed.git", "")
            + "---\n"
            + repo("loop-name", "http://localhost:" + listener.port() + "/name.git", "")
            + "---\n"
            + repo("metadata", "http://169.254.169.254/latest/meta-data/", ""));
    JsonNode open = awaitReady("loop-open");
    String refused =
        "spec.git_url: the host's address is not allowed: repositories of tenants must be on"
            + " public addresses";
    for (String name : java.util.List.of("loop-open", "loop-closed", "loop-name", "metadata")) {
      JsonNode ready = awaitReady(name);
      assertThat(ready.path("status").asText()).as(name).isEqualTo("False");
      assertThat(ready.path("reason").asText()).as(name).isEqualTo("UrlRefused");
      assertThat(ready.path("message").asText()).as(name).isEqualTo(refused);
    }
    assertThat(open.path("message").asText()).isEqualTo(refused);
    assertThat(listener.received()).doesNotContain("/open.git").doesNotContain("/name.git");
  }

  // ---------------------------------------------------------------- helpers

  static String repo(String name, String url, String extra) {
    return "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata: {name: "
        + name
        + "}\nspec:\n  git_url: "
        + url
        + "\n  branch: main\n"
        + (extra.isEmpty() ? "" : "  " + extra + "\n");
  }

  private void apply(String yaml) throws Exception {
    HttpResponse<String> r =
        send("POST", "/api/v1/apply", ResourceCodec.toJson(Map.of("yaml_content", yaml)), tenant);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** The repo's Ready condition once it has one. */
  private JsonNode awaitReady(String name) {
    JsonNode[] ready = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode repo = get("/api/v1/github-repos/" + name);
              for (JsonNode c : repo.path("status").path("conditions")) {
                if (c.path("type").asText().equals("Ready")) {
                  ready[0] = c;
                  return true;
                }
              }
              return false;
            });
    return ready[0];
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, "", tenant);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ResourceCodec.json().readTree(r.body()).path("data");
  }

  private HttpResponse<String> send(String method, String path, String body, String auth)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A plain socket on loopback that answers every request 401 asking for Basic credentials (so a
   * git client that has a token sends it) and keeps every byte it was sent.
   */
  static final class Listener implements AutoCloseable {
    private final ServerSocket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Thread thread;

    private Listener(ServerSocket socket) {
      this.socket = socket;
      this.thread = new Thread(this::serve, "hostile-listener");
      thread.setDaemon(true);
      thread.start();
    }

    static Listener start() throws IOException {
      return new Listener(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    int port() {
      return socket.getLocalPort();
    }

    String received() {
      synchronized (received) {
        return received.toString(StandardCharsets.ISO_8859_1);
      }
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          s.setSoTimeout(2000);
          InputStream in = s.getInputStream();
          byte[] buffer = new byte[8192];
          StringBuilder head = new StringBuilder();
          int n;
          while (!head.toString().contains("\r\n\r\n") && (n = in.read(buffer)) > 0) {
            synchronized (received) {
              received.write(buffer, 0, n);
            }
            head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          }
          OutputStream out = s.getOutputStream();
          out.write(
              ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\n"
                      + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (IOException e) {
          // the next connection, or closed
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A repository on the host that a tenant must not read: stands for the server's checkout. */
  static RevCommit hostRepository(Path at) throws Exception {
    try (Git git = Git.init().setDirectory(at.toFile()).setInitialBranch("main").call()) {
      Files.writeString(at.resolve("README"), "the server's own checkout\n");
      git.add().addFilepattern("README").call();
      return git.commit().setMessage("host secret").setSign(false).call();
    }
  }
}
