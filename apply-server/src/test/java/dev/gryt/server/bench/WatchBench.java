package dev.gryt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.RequestSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Long polls against a real {@code gryt server} process: {@link #ACCOUNTS} signed-up accounts hold
 * {@link #WATCHES} watches open between them (each re-polls as soon as it is answered, as {@code
 * gryt cloud get -w} does), and {@code /healthz} and signed webhook triggers are measured at a
 * fixed rate, first with no watch open, then with all of them. Run by {@code bin/bench watch}; the
 * clients share the machine's cores with the server, so the figures are a floor.
 */
public final class WatchBench {
  static final int WATCHES = 1_000;

  /** Accounts the watches come from: the server caps long polls per login (50). */
  static final int ACCOUNTS = 20;

  static final Duration WARMUP = Duration.ofSeconds(5);
  static final Duration MEASURE = Duration.ofSeconds(10);
  static final double HEALTH_RATE = 20;
  static final double INGEST_RATE = 20;
  static final int CLIENTS = 10;

  /** How long a waiting watch is held; the server caps it at 60 s. */
  static final int POLL_SECONDS = 60;

  private static final AtomicLong NONCE = new AtomicLong();

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: WatchBench GRYT_LAUNCHER DB_URL [DB_URL...]");
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
        new ProcessBuilder(
            launcher.toString(),
            "server",
            "--port",
            "" + port,
            "--db",
            db,
            "--agents",
            "0",
            // The accounts sign up "from" addresses of their own, as behind a proxy: the server
            // limits sign-ups per address.
            "--trusted-proxy",
            "127.0.0.1/32");
    Path home = BenchAuth.isolate(builder);
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    List<Watcher> watchers = new ArrayList<>();
    try {
      String base = "http://127.0.0.1:" + port;
      ApplyBench.waitForHealth(base, server, log);
      BenchAuth auth = BenchAuth.load(home, port);
      ApplyBench.auth = auth;
      System.out.printf(Locale.ROOT, "%n== %s (server pid %d)%n", db, server.pid());
      ApplyBench.apply(base, AuthBench.manifest());
      String key = AuthBench.webhookKey(base, auth);
      byte[] payload = AuthBench.pushPayload();
      String signature = AuthBench.githubSignature(payload);
      RawLoad.RequestFactory health =
          () -> RawLoad.request("GET", "/healthz", List.of(), new byte[0]);
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
      List<String[]> keys = new ArrayList<>();
      for (int a = 0; a < ACCOUNTS; a++) {
        keys.add(tenant(base, "watcher" + a, "10.0." + a + ".1"));
      }
      // Unreported: both paths once, so the figures below do not measure the JIT's first pass.
      RawLoad.run(port, CLIENTS, INGEST_RATE, Duration.ZERO, WARMUP.multipliedBy(2), ingest, 202);
      RawLoad.run(port, 2, HEALTH_RATE, Duration.ZERO, WARMUP, health, 200);

      System.out.printf(Locale.ROOT, "  no watch open (server threads %d)%n", threads(server));
      measure(port, health, ingest);

      for (int i = 0; i < WATCHES; i++) {
        watchers.add(new Watcher(port, keys.get(i % ACCOUNTS)));
      }
      long started = System.nanoTime();
      long open = 0;
      while (System.nanoTime() - started < Duration.ofMinutes(2).toNanos()) {
        open = longPolls(base);
        if (open >= WATCHES || open < 0) {
          break;
        }
        Thread.sleep(200);
      }
      if (open < 0) {
        // A server that does not count its long polls: give the watches time to be sent.
        Thread.sleep(10_000);
      }
      System.out.printf(
          Locale.ROOT,
          "  %,d watches from %d accounts (server says %s open, server threads %d; took %.1f s)%n",
          WATCHES,
          ACCOUNTS,
          open < 0 ? "nothing about long polls" : "" + open,
          threads(server),
          (System.nanoTime() - started) / 1e9);
      measure(port, health, ingest);
      long refused = watchers.stream().mapToLong(w -> w.refused).sum();
      long answered = watchers.stream().mapToLong(w -> w.answered).sum();
      System.out.printf(
          Locale.ROOT,
          "  watches answered %,d, refused %,d while measured; still open: %s%n",
          answered,
          refused,
          open < 0 ? "?" : "" + longPolls(base));
      System.out.println(
          "  target: /healthz and webhook trigger p99 < 50 ms with 1,000 watches open");
    } finally {
      watchers.forEach(Watcher::close);
      server.destroy();
      server.waitFor();
      Files.deleteIfExists(log);
    }
  }

  private static void measure(
      int port, RawLoad.RequestFactory health, RawLoad.RequestFactory ingest) throws Exception {
    // Both loads at once, as a liveness probe and GitHub would send them.
    Thread probe =
        new Thread(
            () -> {
              try {
                System.out.printf(
                    Locale.ROOT,
                    "    /healthz        : %s%n",
                    RawLoad.run(port, 2, HEALTH_RATE, WARMUP, MEASURE, health, 200));
              } catch (Exception e) {
                System.out.println("    /healthz        : no answer (" + e + ")");
              }
            });
    probe.start();
    try {
      System.out.printf(
          Locale.ROOT,
          "    webhook trigger : %s%n",
          RawLoad.run(port, CLIENTS, INGEST_RATE, WARMUP, MEASURE, ingest, 202));
    } catch (Exception e) {
      System.out.println("    webhook trigger : no answer (" + e + ")");
    }
    probe.join();
  }

  /** The server's {@code long_polls}, or -1 when its {@code /healthz} does not say. */
  private static long longPolls(String base) throws Exception {
    JsonNode health =
        ResourceCodec.json()
            .readTree(
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(base + "/healthz"))
                            .timeout(Duration.ofSeconds(120))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
    JsonNode n = health.at("/data/long_polls");
    return n.isMissingNode() ? -1 : n.asLong();
  }

  private static long threads(Process server) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
        if (line.startsWith("Threads:")) {
          return Long.parseLong(line.substring(8).trim());
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** Signs up (open on a loopback server) and makes an API key: {id, secret}. */
  private static String[] tenant(String base, String username, String address) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String password = username + "-correct horse battery";
    String account = ResourceCodec.toJson(Map.of("username", username, "password", password));
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/accounts/create"))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(account))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("sign-up of " + username + ": " + created.body());
    }
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> key =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/api-keys"))
                .header("Authorization", basic)
                .header("X-Forwarded-For", address)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode data = ResourceCodec.json().readTree(key.body()).path("data");
    return new String[] {data.path("key_id").asText(), data.path("secret").asText()};
  }

  /** One watch, polled again as soon as it is answered, on a kept-alive connection of its own. */
  static final class Watcher implements AutoCloseable {
    private final Thread thread;
    private volatile RawLoad.Connection conn;
    private volatile boolean closed;
    volatile long answered;
    volatile long refused;

    Watcher(int port, String[] key) {
      thread =
          new Thread(
              () -> {
                while (!closed) {
                  try (RawLoad.Connection c = new RawLoad.Connection(port)) {
                    conn = c;
                    while (!closed) {
                      String path =
                          "/api/v1/watch?timeout_seconds="
                              + POLL_SECONDS
                              + "&nonce="
                              + NONCE.incrementAndGet();
                      String authorization =
                          RequestSignature.header(
                              key[0], key[1], "GET", path, Instant.now().toString(), new byte[0]);
                      int status =
                          c.exchange(
                              RawLoad.request(
                                  "GET",
                                  path,
                                  List.of("Authorization: " + authorization),
                                  new byte[0]));
                      if (status == 200) {
                        answered++;
                      } else {
                        refused++;
                        Thread.sleep(1_000);
                      }
                    }
                  } catch (Exception e) {
                    if (!closed) {
                      try {
                        Thread.sleep(1_000);
                      } catch (InterruptedException stop) {
                        return;
                      }
                    }
                  }
                }
              },
              "watcher");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      closed = true;
      RawLoad.Connection c = conn;
      if (c != null) {
        try {
          c.close();
        } catch (java.io.IOException e) {
          // closing anyway
        }
      }
      thread.interrupt();
    }
  }
}
