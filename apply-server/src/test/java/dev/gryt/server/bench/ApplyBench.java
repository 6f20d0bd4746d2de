package dev.gryt.server.bench;

import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmarks apply against a real {@code gryt server} process: 1,000 resources (250 of each kind)
 * in one request, the same again unchanged, and 1,000 one request each; then the server's RSS. Run
 * through {@code bin/bench}. Prints figures; asserts nothing.
 *
 * <p>Usage: {@code ApplyBench GRYT_JAR DB_URL [DB_URL...]}
 */
public final class ApplyBench {
  private static final int PER_KIND = 250;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ApplyBench GRYT_JAR DB_URL [DB_URL...]");
      System.exit(2);
    }
    for (int i = 1; i < args.length; i++) {
      run(Path.of(args[0]), args[i]);
    }
  }

  private static void run(Path jar, String db) throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("gryt-bench", ".log");
    Process server =
        new ProcessBuilder(
                "java", "-jar", jar.toString(), "server", "--port", "" + port, "--db", db)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      String base = "http://127.0.0.1:" + port;
      waitForHealth(base, server, log);
      System.out.printf(Locale.ROOT, "%n== %s (server pid %d)%n", db, server.pid());

      // Warm the JVM the way a long-running server is warm: three bulk applies elsewhere.
      Timing cold = apply(base, bulk("warm-0"));
      for (int w = 1; w < 3; w++) {
        apply(base, bulk("warm-" + w));
      }
      Timing create = apply(base, bulk("bench"));
      Timing unchanged = apply(base, bulk("bench"));
      System.out.printf(Locale.ROOT, "bulk apply, first request of a cold JVM : %s%n", cold);
      System.out.printf(
          Locale.ROOT, "bulk apply 1,000 new resources          : %s  (target < 500 ms)%n", create);
      System.out.printf(
          Locale.ROOT,
          "bulk re-apply 1,000 unchanged           : %s  (target < 200 ms)%n",
          unchanged);

      double serverSum = 0;
      long wallStart = System.nanoTime();
      for (String doc : documents("single")) {
        serverSum += apply(base, doc).serverMs;
      }
      double wall = (System.nanoTime() - wallStart) / 1e6;
      System.out.printf(
          Locale.ROOT,
          "1,000 requests of one resource each     : server %.1f ms, wall %.1f ms%n",
          serverSum,
          wall);
      System.out.printf(
          Locale.ROOT,
          "bulk speed-up (one-by-one / bulk)       : %.1fx server time, %.1fx wall time (target >= 10x)%n",
          serverSum / create.serverMs,
          wall / create.wallMs);
      System.out.printf(
          Locale.ROOT,
          "server RSS afterwards                   : %d MB (target < 300 MB)%n",
          rssMb(server.pid()));
    } finally {
      server.destroy();
      server.waitFor();
      Files.deleteIfExists(log);
    }
  }

  record Timing(double serverMs, double wallMs) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "server %.1f ms, wall %.1f ms", serverMs, wallMs);
    }
  }

  static String bulk(String namespace) {
    return String.join("", documents(namespace));
  }

  /** 250 of each kind, each document starting with {@code ---}. */
  static List<String> documents(String ns) {
    List<String> docs = new ArrayList<>(4 * PER_KIND);
    for (int i = 0; i < PER_KIND; i++) {
      docs.add(
          """
          ---
          apiVersion: gryt.io/v1
          kind: Pipeline
          metadata: {name: pipe-%1$d, namespace: %2$s}
          spec:
            description: "pipeline %1$d"
            steps:
              - name: test
                command: "go test ./..."
              - name: build
                command: "go build -o bin/app"
          """
              .formatted(i, ns));
      docs.add(
          """
          ---
          apiVersion: gryt.io/v1
          kind: GitHubRepo
          metadata: {name: repo-%1$d, namespace: %2$s}
          spec: {git_url: "https://github.com/acme/app-%1$d", branch: main, is_private: false}
          """
              .formatted(i, ns));
      docs.add(
          """
          ---
          apiVersion: gryt.io/v1
          kind: Job
          metadata: {name: job-%1$d, namespace: %2$s}
          spec: {pipeline_name: pipe-%1$d, github_repo_name: repo-%1$d, branch_override: develop}
          """
              .formatted(i, ns));
      docs.add(
          """
          ---
          apiVersion: gryt.io/v1
          kind: Webhook
          metadata: {name: hook-%1$d, namespace: %2$s}
          spec: {description: "push hook", job_name: job-%1$d}
          """
              .formatted(i, ns));
    }
    return docs;
  }

  static Timing apply(String base, String yaml) throws IOException, InterruptedException {
    byte[] body = ResourceCodec.toJsonBytes(Map.of("yaml_content", yaml));
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/apply"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double wall = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) {
      throw new IllegalStateException("apply failed: " + r.statusCode() + " " + r.body());
    }
    String timing = r.headers().firstValue("Server-Timing").orElse("app;dur=NaN");
    double server = Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4));
    return new Timing(server, wall);
  }

  static long rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  static void waitForHealth(String base, Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("server exited:\n" + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "server did not answer /healthz in 60 s:\n" + Files.readString(log));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
