package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: {@code gryt server} is killed with SIGKILL while it reconciles 1,000 freshly applied
 * resources. A new server on the same SQLite file must bring every one of them to Ready, with each
 * status describing the generation it was computed from.
 *
 * <p>The kill lands mid-reconcile by construction, not by luck: the repository the 250 GitHubRepos
 * point at does not exist yet, so while the first server lives no repo (and so no Job or Webhook)
 * can be Ready; it is killed once it has made some Pipelines Ready, and the repository is made
 * before the second server starts.
 */
class ServerCrashIT {
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("bin/gryt");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void everyResourceConvergesAfterTheServerIsKilledMidReconcile() throws Exception {
    String db = "sqlite:" + dir.resolve("gryt.db");
    Files.writeString(dir.resolve("many.yaml"), manifests(250));

    Process first = start(db);
    int port = portOf(first);
    String applied = post(port, "/api/v1/apply", Files.readString(dir.resolve("many.yaml")));
    assertThat(applied).contains("\"status\":\"success\"");
    // Kill once the loop has written some statuses; the missing repository holds the rest back.
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readyCount(db) > 0);
    first.destroyForcibly().waitFor();

    long readyAtKill = readyCount(db);
    assertThat(readyAtKill).as("only Pipelines can be Ready before the kill").isBetween(1L, 250L);

    makeOrigin();
    Process second = start(db);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(readyCount(db)).isEqualTo(1000));
      for (GrytResource<?, ?> r : everything(db)) {
        assertThat(r.getStatus().observedGeneration).isEqualTo(r.getMetadata().getGeneration());
      }
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private Process start(String db) throws IOException {
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(LAUNCHER.toString(), "server", "--port", "" + port, "--db", db);
    builder.environment().put("GRYT_HOME", dir.resolve("home").toString());
    Process p =
        builder
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server-" + port + ".log").toFile())
            .start();
    ports.put(p.pid(), port);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get("http://127.0.0.1:" + port + "/healthz").contains("ok"));
    return p;
  }

  private final Map<Long, Integer> ports = new java.util.HashMap<>();

  private int portOf(Process p) {
    return ports.get(p.pid());
  }

  /** Reads the store directly (a second reader on the SQLite file), not through a server. */
  private static List<GrytResource<?, ?>> everything(String db) {
    List<GrytResource<?, ?>> all = new java.util.ArrayList<>();
    try (ResourceStore store = StoreFactory.open(db)) {
      for (ResourceKind kind :
          List.of(
              ResourceKind.PIPELINE,
              ResourceKind.GITHUB_REPO,
              ResourceKind.JOB,
              ResourceKind.WEBHOOK)) {
        all.addAll(store.list(kind.type(), null, Map.of()));
      }
    }
    return all;
  }

  private static long readyCount(String db) {
    return everything(db).stream()
        .filter(
            r ->
                r.getStatus() != null
                    && r.getStatus()
                        .condition(Condition.READY)
                        .map(c -> "True".equals(c.status))
                        .orElse(false))
        .count();
  }

  /**
   * {@code perKind} of each kind; the GitHubRepos point at a file:// repository that {@link
   * #makeOrigin} makes (a missing path is never Ready).
   */
  private String manifests(int perKind) {
    String url = dir.resolve("origin").toUri().toString().replaceFirst("^file:/+", "file:///");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < perKind; i++) {
      sb.append(
          """
          ---
          apiVersion: gryt.io/v1
          kind: Pipeline
          metadata: {name: p-%1$d}
          spec:
            steps: [{name: build, command: make}]
          ---
          apiVersion: gryt.io/v1
          kind: GitHubRepo
          metadata: {name: r-%1$d}
          spec: {git_url: "%2$s"}
          ---
          apiVersion: gryt.io/v1
          kind: Job
          metadata: {name: j-%1$d}
          spec: {pipeline_name: p-%1$d, github_repo_name: r-%1$d}
          ---
          apiVersion: gryt.io/v1
          kind: Webhook
          metadata: {name: w-%1$d}
          spec: {job_name: j-%1$d}
          """
              .formatted(i, url));
    }
    return sb.toString();
  }

  /** The repository every GitHubRepo points at, with one commit on main. */
  private void makeOrigin() throws Exception {
    Path origin = dir.resolve("origin");
    try (var git =
        org.eclipse.jgit.api.Git.init()
            .setDirectory(origin.toFile())
            .setInitialBranch("main")
            .call()) {
      Files.writeString(origin.resolve("README.md"), "hello\n");
      git.add().addFilepattern("README.md").call();
      var me = new org.eclipse.jgit.lib.PersonIdent("gryt test", "test@gryt.dev");
      git.commit().setMessage("first").setAuthor(me).setCommitter(me).setSign(false).call();
    }
  }

  private String post(int port, String path, String yaml) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/yaml")
                .header(
                    "Authorization",
                    LocalAdmin.authorization(dir.resolve("home"), port, "POST", path, yaml))
                .POST(HttpRequest.BodyPublishers.ofString(yaml))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
