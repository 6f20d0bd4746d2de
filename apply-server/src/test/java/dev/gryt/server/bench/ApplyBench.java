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
 * <p>The server runs as {@code bin/gryt server} does for a user, control loop included; before each
 * measured request the bench waits until the loop has finished reconciling the previous apply, so
 * the figure is the apply's own, not its contention with the loop's status writes.
 *
 * <p>Usage: {@code ApplyBench GRYT_LAUNCHER DB_URL [DB_URL...]}
 */
public final class ApplyBench {
  private static final int PER_KIND = 250;
  private static final int REPEATS = 5;

  /**
   * Where every GitHubRepo of the bench points: a git repository the bench makes on this machine
   * (the server probes each repo with ls-remote, and the machines this runs on have no network).
   */
  static String gitUrl = "file:///nonexistent";

  /** Signs requests to the server being measured. */
  static BenchAuth auth;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ApplyBench GRYT_LAUNCHER DB_URL [DB_URL...]");
      System.exit(2);
    }
    gitUrl = localRepository();
    for (int i = 1; i < args.length; i++) {
      run(Path.of(args[0]), args[i]);
    }
  }

  private static void run(Path jar, String db) throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("gryt-bench", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(jar.toString(), "server", "--port", "" + port, "--db", db);
    Path home = BenchAuth.isolate(builder);
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String base = "http://127.0.0.1:" + port;
      waitForHealth(base, server, log);
      auth = BenchAuth.load(home, port);
      System.out.printf(Locale.ROOT, "%n== %s (server pid %d)%n", db, server.pid());

      if (Boolean.getBoolean("gryt.bench.readyOnly")) {
        // The ready figures alone (bin/bench ready), warmed as below.
        for (int w = 0; w < 3; w++) {
          quiesce(base);
          apply(base, bulk("warm-" + w));
        }
        readyBench(base);
        idleCpu(base, server.pid());
        return;
      }
      // Warm the JVM the way a long-running server is warm: three bulk applies elsewhere.
      Timing cold = apply(base, bulk("warm-0"));
      for (int w = 1; w < 3; w++) {
        quiesce(base);
        apply(base, bulk("warm-" + w));
      }
      List<Timing> creates = new ArrayList<>();
      List<Timing> unchanged = new ArrayList<>();
      for (int i = 0; i < REPEATS; i++) {
        quiesce(base);
        creates.add(apply(base, bulk("bench-" + i)));
        quiesce(base);
        unchanged.add(apply(base, bulk("bench-" + i)));
      }
      quiesce(base);
      Timing create = median(creates);
      System.out.printf(Locale.ROOT, "bulk apply, first request of a cold JVM : %s%n", cold);
      System.out.printf(
          Locale.ROOT,
          "bulk apply 1,000 new resources          : median %s; best %.1f ms (target < 500 ms)%n",
          create,
          best(creates));
      System.out.printf(
          Locale.ROOT,
          "bulk re-apply 1,000 unchanged           : median %s; best %.1f ms (target < 200 ms)%n",
          median(unchanged),
          best(unchanged));

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
      readyBench(base);
      idleCpu(base, server.pid());
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

  /**
   * One apply of 1,000 Jobs with their Pipelines and repos, then the time until every Job is Ready.
   */
  static void readyBench(String base) throws Exception {
    quiesce(base);
    StringBuilder yaml = new StringBuilder();
    for (String doc : documents("ready", 1000)) {
      if (!doc.contains("kind: Webhook")) {
        yaml.append(doc);
      }
    }
    long reconcilesBefore = reconciles(base);
    long writesBefore = statusWrites(base);
    long t0 = System.nanoTime();
    apply(base, yaml.toString());
    while (true) {
      List<com.fasterxml.jackson.databind.JsonNode> items = new ArrayList<>();
      for (int offset = 0; offset < 1000; offset += 500) {
        String path = "/api/v1/jobs?namespace=ready&offset=" + offset + "&" + BenchAuth.nonce();
        String body =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", auth.header("GET", path, new byte[0]))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        ResourceCodec.json().readTree(body).path("data").path("items").forEach(items::add);
      }
      long ready = 0;
      for (var item : items) {
        for (var c : item.path("status").path("conditions")) {
          if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
            ready++;
          }
        }
      }
      if (ready == 1000) {
        break;
      }
      if (System.nanoTime() - t0 > Duration.ofSeconds(120).toNanos()) {
        throw new IllegalStateException("only " + ready + " of 1,000 jobs Ready after 120 s");
      }
      Thread.sleep(200);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long reconciles = reconciles(base) - reconcilesBefore;
    System.out.printf(
        Locale.ROOT,
        "apply 1,000 Jobs + Pipelines + repos -> all Jobs Ready : %.2f s (target < 3 s)%n",
        seconds);
    if (reconcilesBefore >= 0) {
      System.out.printf(
          Locale.ROOT,
          "reconciles until all Ready               : %,d, %,.0f per second, %,d status writes%n",
          reconciles,
          reconciles / seconds,
          statusWrites(base) - writesBefore);
    }
  }

  /** Reconciles the server's control loop ran so far, from /healthz; -1 if it does not say. */
  static long reconciles(String base) throws Exception {
    return healthCounter(base, "reconciles");
  }

  static long statusWrites(String base) throws Exception {
    return healthCounter(base, "status_writes");
  }

  static long healthCounter(String base, String name) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return ResourceCodec.json().readTree(body).path("data").path(name).asLong(-1);
  }

  /**
   * CPU the server uses with nothing to do, from /proc/PID/stat (utime + stime): the first 10 s
   * after its work ends (the JIT is still compiling what the load made hot), then the next 10 s.
   */
  static void idleCpu(String base, long pid) throws Exception {
    quiesce(base);
    idleWindow(pid, "first 10 s");
    idleWindow(pid, "next 10 s ");
  }

  static void idleWindow(long pid, String which) throws Exception {
    long before = cpuTicks(pid);
    Map<String, Long> threadsBefore = threadTicks(pid);
    long t0 = System.nanoTime();
    Thread.sleep(10_000);
    long ticks = cpuTicks(pid) - before;
    Map<String, Long> threadsAfter = threadTicks(pid);
    double wall = (System.nanoTime() - t0) / 1e9;
    double percent = 100.0 * ticks / 100.0 / wall; // USER_HZ is 100 on Linux
    StringBuilder busiest = new StringBuilder();
    threadsAfter.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(4)
        .forEach(e -> busiest.append(e.getKey()).append(' ').append(e.getValue()).append(", "));
    System.out.printf(
        Locale.ROOT,
        "idle server CPU, %s                : %.2f %% of one core (target < 1 %%); ticks by"
            + " thread: %s%n",
        which,
        percent,
        busiest.length() == 0 ? "none" : busiest.substring(0, busiest.length() - 2));
  }

  /** CPU ticks per thread ("name/tid"), from /proc/PID/task. */
  static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> out = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(name + "/" + task.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }

  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static Timing median(List<Timing> ts) {
    List<Timing> sorted =
        ts.stream().sorted((x, y) -> Double.compare(x.serverMs, y.serverMs)).toList();
    return sorted.get(sorted.size() / 2);
  }

  static double best(List<Timing> ts) {
    return ts.stream().mapToDouble(Timing::serverMs).min().orElse(Double.NaN);
  }

  record Timing(double serverMs, double wallMs) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "server %.1f ms, wall %.1f ms", serverMs, wallMs);
    }
  }

  static String localRepository() throws Exception {
    Path origin = Files.createTempDirectory("gryt-bench-origin");
    try (var git =
        org.eclipse.jgit.api.Git.init()
            .setDirectory(origin.toFile())
            .setInitialBranch("main")
            .call()) {
      Files.writeString(origin.resolve("README.md"), "bench\n");
      git.add().addFilepattern("README.md").call();
      var me = new org.eclipse.jgit.lib.PersonIdent("gryt bench", "bench@gryt.dev");
      git.commit().setMessage("first").setAuthor(me).setCommitter(me).setSign(false).call();
    }
    return origin.toUri().toString().replaceFirst("^file:/+", "file:///");
  }

  static String bulk(String namespace) {
    return String.join("", documents(namespace));
  }

  /** 250 of each kind, each document starting with {@code ---}. */
  static List<String> documents(String ns) {
    return documents(ns, PER_KIND);
  }

  static List<String> documents(String ns, int perKind) {
    List<String> docs = new ArrayList<>(4 * perKind);
    for (int i = 0; i < perKind; i++) {
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
          spec: {git_url: "%3$s", branch: main, is_private: false}
          """
              .formatted(i, ns, gitUrl));
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
                .header("Authorization", auth.header("POST", "/api/v1/apply", body))
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

  /** Waits until the server's resourceVersion has stood still for a second: reconciling is done. */
  static void quiesce(String base) throws Exception {
    String last = "";
    long stillSince = System.nanoTime();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      String body =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      if (!body.equals(last)) {
        last = body;
        stillSince = System.nanoTime();
      } else if (System.nanoTime() - stillSince > Duration.ofSeconds(1).toNanos()) {
        return;
      }
      Thread.sleep(100);
    }
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
