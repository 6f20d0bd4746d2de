package dev.gryt.cli.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.LocalAdmin;
import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worktree's own {@code bin/gryt} launcher, run as a user runs it: a separate process with its
 * own GRYT_HOME and working directory, its output in a log file.
 */
final class Gryt {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path LAUNCHER = ROOT.resolve("bin/gryt");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path home;
  private final Path workingDirectory;
  private final Map<String, String> env = new java.util.HashMap<>();

  Gryt(Path home, Path workingDirectory) {
    this.home = home;
    this.workingDirectory = workingDirectory;
  }

  Path home() {
    return home;
  }

  /** Sets an environment variable for every process started after. */
  Gryt env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** What a finished command printed. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  /** Runs a command to its end (at most {@code limit}). */
  Result run(Duration limit, String... args) {
    try {
      Path out = Files.createTempFile(workingDirectory, "out-", ".txt");
      Path err = Files.createTempFile(workingDirectory, "err-", ".txt");
      Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            "gryt "
                + String.join(" ", args)
                + " did not end within "
                + limit
                + ": "
                + Files.readString(out)
                + Files.readString(err));
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Result run(String... args) {
    return run(Duration.ofSeconds(60), args);
  }

  /** Runs a command to its end with {@code stdin} as its input. */
  Result runWithStdin(Duration limit, String stdin, String... args) {
    try {
      Path in = Files.createTempFile(workingDirectory, "in-", ".txt");
      Files.writeString(in, stdin);
      Path out = Files.createTempFile(workingDirectory, "out-", ".txt");
      Path err = Files.createTempFile(workingDirectory, "err-", ".txt");
      Process p =
          builder(args)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("gryt " + String.join(" ", args) + " did not end within " + limit);
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(in);
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a long-running command (server, agent), its output going to {@code log}. */
  Process start(Path log, String... args) throws IOException {
    return builder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Starts another script of {@code bin/} the same way, e.g. {@code bin/quickstart}. */
  Process startScript(Path out, Path err, String script, String... args) throws IOException {
    return builder(ROOT.resolve("bin").resolve(script), args)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
  }

  private ProcessBuilder builder(String... args) {
    return builder(LAUNCHER, args);
  }

  private ProcessBuilder builder(Path executable, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).directory(workingDirectory.toFile());
    b.environment().put("GRYT_HOME", home.toString());
    b.environment().remove("GRYT_URL");
    b.environment().putAll(env);
    return b;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for {@code url} to answer 200; fails early, with the log, when the process died. */
  static void awaitUp(Process p, Path log, String url, Duration limit) {
    await()
        .atMost(limit)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("exited " + p.exitValue() + ":\n" + Files.readString(log));
              }
              return HTTP.send(
                          HttpRequest.newBuilder(URI.create(url)).build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
  }

  /** A signed request to the server on {@code port} with the admin key it wrote to GRYT_HOME. */
  HttpResponse<String> api(int port, String method, String pathAndQuery, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .header("Content-Type", "application/json")
            .header(
                "Authorization", LocalAdmin.authorization(home, port, method, pathAndQuery, body))
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code data} of a successful signed GET. */
  JsonNode get(int port, String pathAndQuery) throws Exception {
    HttpResponse<String> r = api(port, "GET", pathAndQuery, "");
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + pathAndQuery + " → " + r.statusCode() + " " + r.body());
    }
    return ResourceCodec.json().readTree(r.body()).path("data");
  }

  static HttpResponse<String> post(String url, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(
      String method, String url, Map<String, String> headers, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Stops a process: SIGTERM, then SIGKILL when it lingers. */
  static void stop(Process p) {
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
