package dev.gryt.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code gryt server} process, started through the launcher as an operator would, for the
 * tests that crash it: {@link #kill} is SIGKILL (no shutdown hook, no lock released by hand, open
 * connections cut by the kernel), {@link #freeze} and {@link #thaw} are SIGSTOP and SIGCONT, which
 * hold the process exactly where it is (a leader that freezes keeps its lock and does no work).
 */
public final class ServerProcess implements AutoCloseable {
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("bin/gryt");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path home;
  private final int port;

  private ServerProcess(Process process, Path home, int port) {
    this.process = process;
    this.home = home;
    this.port = port;
  }

  /**
   * Starts {@code gryt server --db DB} on a free port with {@code home} as its GRYT_HOME (servers
   * sharing a database share a home, hence the master key), its output in {@code home}; returns
   * once {@code /healthz} answers.
   */
  public static ServerProcess start(Path home, String db, String... moreArgs) throws IOException {
    int port = freePort();
    List<String> command =
        new ArrayList<>(List.of(LAUNCHER.toString(), "server", "--port", "" + port, "--db", db));
    command.addAll(List.of(moreArgs));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("GRYT_HOME", home.toString());
    java.nio.file.Files.createDirectories(home);
    Process p =
        builder
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("server-" + port + ".log").toFile())
            .start();
    ServerProcess server = new ServerProcess(p, home, port);
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> server.health().at("/data/status").asText().equals("ok"));
    return server;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Whether this server runs the control loop now: only the leader reports its counters. */
  public boolean leads() throws Exception {
    return health().path("data").has("reconciles");
  }

  public JsonNode health() throws Exception {
    return ResourceCodec.json()
        .readTree(
            HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
  }

  /** POSTs as the admin (the key this server wrote into its GRYT_HOME); returns the reply body. */
  public String post(String path, String contentType, String body) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType)
                .header("Authorization", LocalAdmin.authorization(home, port, "POST", path, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** SIGKILL, then waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGSTOP: the process keeps every socket, lock and session, and does nothing at all. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, "" + process.pid()).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Gone at once, frozen or not: a test's cleanup needs no graceful stop. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
