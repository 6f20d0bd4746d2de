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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load on a real {@code gryt server} process from 50 concurrent clients on loopback: HMAC-signed
 * reads, then signed GitHub push deliveries (verify, dedupe, durable JobRun). Prints throughput and
 * latency percentiles. Run by {@code bin/bench auth}; the clients share the machine's two cores
 * with the server, so the figures are a floor.
 */
public final class AuthBench {
  static final int CLIENTS = 50;
  static final Duration WARMUP = Duration.ofSeconds(3);
  static final Duration MEASURE = Duration.ofSeconds(10);
  static final String HOOK_SECRET = "bench-hook-secret";

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
        new ProcessBuilder(
            launcher.toString(), "server", "--port", "" + port, "--db", db, "--agents", "0");
    Path home = BenchAuth.isolate(builder);
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String base = "http://127.0.0.1:" + port;
      ApplyBench.waitForHealth(base, server, log);
      BenchAuth auth = BenchAuth.load(home, port);
      ApplyBench.auth = auth;
      System.out.printf(Locale.ROOT, "%n== %s (server pid %d)%n", db, server.pid());
      ApplyBench.apply(base, manifest());
      String key = webhookKey(base, auth);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

      Result reads =
          load(
              () -> {
                String path = "/api/v1/pipelines/build?" + BenchAuth.nonce();
                return HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", auth.header("GET", path, new byte[0]))
                    .build();
              },
              http,
              200);
      System.out.printf(
          Locale.ROOT,
          "HMAC-signed reads, %d clients     : %s (target >= 2,000 req/s, p99 < 20 ms)%n",
          CLIENTS,
          reads);

      byte[] payload = pushPayload();
      String signature = githubSignature(payload);
      Result ingest =
          load(
              () ->
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/webhooks/run/" + key))
                      .header("Content-Type", "application/json")
                      .header("X-GitHub-Event", "push")
                      .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                      .header("X-Hub-Signature-256", signature)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                      .build(),
              http,
              202);
      System.out.printf(
          Locale.ROOT,
          "signed webhook ingest, %d clients : %s (target >= 500 req/s, p99 < 50 ms)%n",
          CLIENTS,
          ingest);
    } finally {
      server.destroy();
      server.waitFor();
      Files.deleteIfExists(log);
    }
  }

  record Result(double perSecond, double p50, double p99, long errors) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f req/s, p50 %.1f ms, p99 %.1f ms, %d unexpected replies",
          perSecond,
          p50,
          p99,
          errors);
    }
  }

  interface RequestFactory {
    HttpRequest next();
  }

  /** CLIENTS threads, each sending one request after another: warm-up, then the measured window. */
  static Result load(RequestFactory requests, HttpClient http, int expected) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    AtomicLong errors = new AtomicLong();
    long warmEnd = System.nanoTime() + WARMUP.toNanos();
    long end = warmEnd + MEASURE.toNanos();
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      futures.add(
          pool.submit(
              () -> {
                long[] samples = new long[1 << 16];
                int n = 0;
                while (true) {
                  long t0 = System.nanoTime();
                  if (t0 >= end) {
                    break;
                  }
                  HttpResponse<byte[]> r =
                      http.send(requests.next(), HttpResponse.BodyHandlers.ofByteArray());
                  long t1 = System.nanoTime();
                  if (t0 >= warmEnd) {
                    if (r.statusCode() != expected) {
                      errors.incrementAndGet();
                    }
                    if (n == samples.length) {
                      samples = Arrays.copyOf(samples, n * 2);
                    }
                    samples[n++] = t1 - t0;
                  }
                }
                return Arrays.copyOf(samples, n);
              }));
    }
    long[] all = new long[0];
    for (Future<long[]> f : futures) {
      long[] part = f.get();
      long[] merged = Arrays.copyOf(all, all.length + part.length);
      System.arraycopy(part, 0, merged, all.length, part.length);
      all = merged;
    }
    pool.shutdown();
    Arrays.sort(all);
    double seconds = MEASURE.toNanos() / 1e9;
    return new Result(
        all.length / seconds,
        all.length == 0 ? 0 : all[all.length / 2] / 1e6,
        all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6,
        errors.get());
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
