package dev.gryt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load on a real {@code gryt server} process from 50 concurrent clients on loopback: HMAC-signed
 * reads, then signed GitHub push deliveries (verify, dedupe, durable JobRun). Prints throughput and
 * latency percentiles, each twice: a closed loop (the most the server serves) and a fixed rate at
 * the target (the latency clients see at that rate). Run by {@code bin/bench auth}; the clients
 * share the machine's two cores with the server, so the figures are a floor.
 */
public final class AuthBench {
  static final int CLIENTS = 50;

  /** Each load's unmeasured start. */
  static final Duration WARMUP = Duration.ofSeconds(5);

  /** The unreported loads before the figures: slices, the most, the compiler's share to stop. */
  static final Duration WARM_SLICE = Duration.ofSeconds(5);

  static final Duration WARM_MAX = Duration.ofMinutes(4);
  static final double JIT_QUIET = 0.05;

  /** How many times each fixed-rate load runs ({@code -Dgryt.bench.repeat}, default 1). */
  static final int REPEAT = Integer.getInteger("gryt.bench.repeat", 1);

  static final Duration MEASURE = Duration.ofSeconds(10);
  static final String HOOK_SECRET = "bench-hook-secret";
  static final double READ_TARGET = 2_000;
  static final double INGEST_TARGET = 500;

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: AuthBench GRYT_LAUNCHER DB_URL [DB_URL...]");
      System.exit(2);
    }
    for (int i = 1; i < args.length; i++) {
      run(Path.of(args[0]), args[i]);
    }
  }

  private static void run(Path launcher, String db) throws Exception {
    int port = ApplyBench.freePort();
    Path log = Files.createTempFile("gryt-bench", ".log");
    ProcessBuilder builder =
        // No in-process agent: ingest is measured up to the durable JobRun (verify, dedupe,
        // commit), not the thousands of container runs those deliveries would start.
        new ProcessBuilder(serverCommand(launcher, port, db));
    Path home = BenchAuth.isolate(builder);
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HealthProbe probe = null;
    try {
      String base = "http://127.0.0.1:" + port;
      ApplyBench.waitForHealth(base, server, log);
      probe = new HealthProbe(base);
      BenchAuth auth = BenchAuth.load(home, port);
      ApplyBench.auth = auth;
      System.out.printf(Locale.ROOT, "%n== %s (server pid %d)%n", db, server.pid());
      ApplyBench.apply(base, manifest());
      String key = webhookKey(base, auth);
      RawLoad.RequestFactory reads =
          () -> {
            String path = "/api/v1/pipelines/build?" + BenchAuth.nonce();
            return RawLoad.request(
                "GET",
                path,
                List.of("Authorization: " + auth.header("GET", path, new byte[0])),
                new byte[0]);
          };
      byte[] payload = pushPayload();
      String signature = githubSignature(payload);
      RawLoad.RequestFactory ingest =
          () ->
              RawLoad.request(
                  "POST",
                  "/api/v1/webhooks/run/" + key,
                  List.of(
                      "Content-Type: application/json",
                      "X-GitHub-Event: push",
                      "X-GitHub-Delivery: " + UUID.randomUUID(),
                      "X-Hub-Signature-256: " + signature),
                  payload);
      // -Dgryt.bench.only=reads or =ingest runs one half (for profiling one path).
      String only = System.getProperty("gryt.bench.only", "");
      // Unreported warm-up of both paths first: without it the first figures measured the JIT
      // compiling them (at 2,000 reads/s, 10 s of warm-up inside the first load were not enough).
      warm("reads", server, port, READ_TARGET, reads, 200);
      if (!only.equals("reads")) {
        warm("ingest", server, port, INGEST_TARGET, ingest, 202);
        probe.settle();
      }
      // The fixed rate first, then the closed loop; the control loop settles before each ingest
      // load: a closed loop leaves tens of thousands of new runs to reconcile, and measuring the
      // next load against that backlog measures the backlog.
      if (!only.equals("ingest")) {
        for (int i = 0; i < REPEAT; i++) {
          report("HMAC-signed reads      ", server, port, READ_TARGET, reads, 200);
        }
        report("HMAC-signed reads      ", server, port, 0, reads, 200);
        System.out.printf(
            Locale.ROOT, "  target: >= %,d req/s with p99 < 20 ms%n", (int) READ_TARGET);
      }
      if (!only.equals("reads")) {
        for (int i = 0; i < REPEAT; i++) {
          probe.settle();
          report("signed webhook ingest  ", server, port, INGEST_TARGET, ingest, 202);
        }
        probe.settle();
        report("signed webhook ingest  ", server, port, 0, ingest, 202);
        System.out.printf(
            Locale.ROOT, "  target: >= %,d req/s with p99 < 50 ms%n", (int) INGEST_TARGET);
      }
    } finally {
      if (probe != null) {
        probe.close();
      }
      server.destroy();
      server.waitFor();
      Files.deleteIfExists(log);
    }
  }

  /**
   * {@code gryt server} without its in-process agent, plus the words of {@code
   * -Dgryt.bench.serverArgs} (e.g. {@code --no-controller}, to tell the loop's share of the work).
   */
  private static List<String> serverCommand(Path launcher, int port, String db) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                launcher.toString(), "server", "--port", "" + port, "--db", db, "--agents", "0"));
    String extra = System.getProperty("gryt.bench.serverArgs", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    return command;
  }

  /**
   * Loads a path at its target rate, in slices of {@link #WARM_SLICE}, until the server's JIT
   * compiler threads used under {@link #JIT_QUIET} of a core in the last slice (at most {@link
   * #WARM_MAX}), and says how long that took. On two cores C2 needed about two minutes of CPU to
   * compile the server's hot paths (Jetty, Jackson, JDBC, the store); after a fixed 15 s it was
   * still using most of a core during the measured loads, and the figures measured the compiler.
   */
  private static void warm(
      String what,
      Process server,
      int port,
      double rate,
      RawLoad.RequestFactory requests,
      int expected)
      throws Exception {
    long started = System.nanoTime();
    double busy = 1;
    while (System.nanoTime() - started < WARM_MAX.toNanos()) {
      long before = compilerTicks(server);
      RawLoad.run(port, CLIENTS, rate, Duration.ZERO, WARM_SLICE, requests, expected);
      busy = (compilerTicks(server) - before) / 100.0 / WARM_SLICE.toSeconds();
      if (busy < JIT_QUIET) {
        break;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  (warm-up %s: %d s at %,d/s; JIT compiler threads %.0f%% of a core in its last %d s)%n",
        what,
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        (int) rate,
        busy * 100,
        WARM_SLICE.toSeconds());
  }

  /** CPU clock ticks of the process's JIT compiler threads, from /proc (0 elsewhere). */
  private static long compilerTicks(Process process) {
    try {
      return ApplyBench.threadTicks(process.pid()).entrySet().stream()
          .filter(thread -> thread.getKey().contains("CompilerThre"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * One load and its figures, with the server process's CPU time per request (user + system, from
   * the OS): unlike throughput, that figure hardly moves when other work shares the cores.
   */
  private static void report(
      String what,
      Process server,
      int port,
      double rate,
      RawLoad.RequestFactory requests,
      int expected)
      throws Exception {
    long[] before = cpuTicks(server);
    Process profiler = onMeasure(server);
    RawLoad.Result r = RawLoad.run(port, CLIENTS, rate, WARMUP, MEASURE, requests, expected);
    long[] after = cpuTicks(server);
    if (profiler != null) {
      profiler.waitFor();
    }
    double requestsSent = r.perSecond() * (WARMUP.toNanos() + MEASURE.toNanos()) / 1e9;
    double usPerTick = 1e6 / 100; // USER_HZ: 100 on Linux
    System.out.printf(
        Locale.ROOT,
        "%s: %s, server CPU %.0f us/req (user %.0f, system %.0f)%n",
        what,
        r,
        (after[0] + after[1] - before[0] - before[1]) * usPerTick / Math.max(1, requestsSent),
        (after[0] - before[0]) * usPerTick / Math.max(1, requestsSent),
        (after[1] - before[1]) * usPerTick / Math.max(1, requestsSent));
  }

  /**
   * Starts {@code -Dgryt.bench.onMeasure=COMMAND} (run by sh, {@code %p} replaced by the server's
   * pid, {@code %n} by the load's number) as a reported load starts: a profiler that attaches for
   * the load's length sees the measured load only, not start-up, warm-up or JIT compilation.
   */
  private static Process onMeasure(Process server) throws java.io.IOException {
    String command = System.getProperty("gryt.bench.onMeasure", "");
    if (command.isBlank()) {
      return null;
    }
    command = command.replace("%p", "" + server.pid()).replace("%n", "" + ++loads);
    return new ProcessBuilder("sh", "-c", command).inheritIO().start();
  }

  private static int loads;

  /** The process's user and system CPU time in clock ticks, from /proc (zeros elsewhere). */
  private static long[] cpuTicks(Process process) {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[2];
    }
  }

  /**
   * Polls {@code /healthz} once a second for the whole run, as a Kubernetes liveness probe would,
   * and keeps the control loop's reconcile count. It runs during warm-up too: a probe that first
   * came between warm-up and the measured load took branches (its path, headers, a JSON body of
   * numbers) the load never took, and C2 threw away and recompiled the request path under the
   * measured load.
   */
  static final class HealthProbe implements AutoCloseable {
    private final HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI uri;
    private final Thread thread;
    private volatile long reconciles = -1;
    private volatile long polls;

    HealthProbe(String base) {
      uri = URI.create(base + "/healthz");
      thread = new Thread(this::run, "health-probe");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          JsonNode health =
              ResourceCodec.json()
                  .readTree(
                      http.send(
                              HttpRequest.newBuilder(uri).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body());
          reconciles = health.at("/data/reconciles").asLong();
          polls++;
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // the next poll tries again
        }
      }
    }

    /** Waits (at most 2 minutes) until two polls a second apart saw the same reconcile count. */
    void settle() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      long seenPoll = polls;
      long last = -2;
      while (System.nanoTime() < deadline) {
        if (polls != seenPoll) {
          seenPoll = polls;
          if (reconciles == last) {
            return;
          }
          last = reconciles;
        }
        Thread.sleep(50);
      }
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }

  static String manifest() {
    return """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: build}
        spec:
          steps: [{name: test, command: "echo ok"}]
        ---
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: app}
        spec: {git_url: "https://github.com/acme/app"}
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: ci}
        spec: {pipeline_name: build, github_repo_name: app}
        ---
        apiVersion: gryt.io/v1
        kind: Webhook
        metadata: {name: hook}
        spec: {job_name: ci, secret: "%s"}
        """
        .formatted(HOOK_SECRET);
  }

  static String webhookKey(String base, BenchAuth auth) throws Exception {
    String path = "/api/v1/webhooks/hook?" + BenchAuth.nonce();
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", auth.header("GET", path, new byte[0]))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode data = ResourceCodec.json().readTree(r.body()).path("data");
    return data.path("webhook_key").asText();
  }

  static byte[] pushPayload() {
    return ResourceCodec.toJsonBytes(
        Map.of(
            "ref",
            "refs/heads/main",
            "after",
            "0123456789abcdef0123456789abcdef01234567",
            "repository",
            Map.of("full_name", "acme/app"),
            "head_commit",
            Map.of("id", "0123456789abcdef0123456789abcdef01234567")));
  }

  static String githubSignature(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
