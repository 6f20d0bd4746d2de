package dev.gryt.server.bench;

import static dev.gryt.server.bench.ApplyBench.apply;
import static dev.gryt.server.bench.ApplyBench.bulk;
import static dev.gryt.server.bench.ApplyBench.freePort;
import static dev.gryt.server.bench.ApplyBench.quiesce;
import static dev.gryt.server.bench.ApplyBench.waitForHealth;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunFactory;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.agent.RunReport;
import dev.gryt.store.Mutation;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarks the dashboard against a real {@code gryt server} process with its in-process agent:
 * with 10,000 finished runs (written through the store before the server starts, as a server that
 * has run them for a while holds them) and 1,000 resources (applied through the API), the median
 * server time (the {@code Server-Timing} header) of the runs page and of a run page with a 2,000
 * line log; then, for a live run whose step prints its clock 300 times, the time from the step
 * printing a line to a server-sent-events client (what the browser's {@code EventSource} does)
 * receiving it, p50 and p99. Run through {@code bin/bench dashboard}. Prints figures; asserts
 * nothing.
 *
 * <p>The latency figure starts at the step's {@code date +%s%N}, before the agent even reads the
 * line, so it is an upper bound of "the agent reports, the browser receives".
 *
 * <p>Usage: {@code DashboardBench GRYT_LAUNCHER DB_URL [DB_URL...]}
 */
public final class DashboardBench {
  private static final int RUNS = 10_000;
  private static final int LOG_LINES = 2_000;
  private static final int SAMPLES = 30;
  private static final int TICKS = 300;
  private static final Pattern LINK = Pattern.compile("sign in as admin, once: (\\S+)\\)");
  private static final Pattern STREAM = Pattern.compile("data-stream=\"([^\"]+)\"");
  private static final Pattern STAMP = Pattern.compile(">(\\d{19})<");

  private DashboardBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DashboardBench GRYT_LAUNCHER DB_URL [DB_URL...]");
      System.exit(2);
    }
    ApplyBench.gitUrl = ApplyBench.localRepository();
    for (int i = 1; i < args.length; i++) {
      run(Path.of(args[0]), args[i]);
    }
  }

  private static void run(Path launcher, String db) throws Exception {
    long t0 = System.nanoTime();
    String measured = seedRuns(db);
    System.out.printf(
        Locale.ROOT,
        "%n== %s%n%,d finished runs stored in %.1f s%n",
        db,
        RUNS,
        (System.nanoTime() - t0) / 1e9);
    int port = freePort();
    Path log = Files.createTempFile("gryt-bench", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            launcher.toString(), "server", "--port", "" + port, "--db", db, "--runner", "process");
    Path home = BenchAuth.isolate(builder);
    Process server = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String base = "http://127.0.0.1:" + port;
      waitForHealth(base, server, log);
      ApplyBench.auth = BenchAuth.load(home, port);
      // A Job keeps 20 finished runs unless told otherwise: these keep all of theirs (40 each).
      apply(
          base,
          bulk("dash")
              .replace(
                  "branch_override: develop}", "branch_override: develop, history_limit: 100}"));
      apply(base, ticker());
      quiesce(base);
      HttpClient browser = signIn(base, Files.readString(log));
      String first =
          browser
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/runs")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher count = Pattern.compile("id=\"run-count\">([^<]*)<").matcher(first);
      System.out.printf(
          Locale.ROOT,
          "the runs page says                      : %s%n",
          count.find() ? count.group(1) : "?");

      System.out.printf(
          Locale.ROOT,
          "runs page (/runs, newest 50 of %,d)      : median %.1f ms server time (target < 100 ms)%n",
          RUNS,
          medianServerMs(browser, base + "/runs"));
      System.out.printf(
          Locale.ROOT,
          "runs page filtered by job              : median %.1f ms server time%n",
          medianServerMs(browser, base + "/runs?job=job-7"));
      System.out.printf(
          Locale.ROOT,
          "a run page (%,d log lines)             : median %.1f ms server time (target < 100 ms)%n",
          LOG_LINES,
          medianServerMs(browser, base + "/runs/" + measured));

      List<Double> delays = liveLogDelays(browser, base);
      Collections.sort(delays);
      System.out.printf(
          Locale.ROOT,
          "live log line, step prints -> SSE client: p50 %.1f ms, p99 %.1f ms over %d lines"
              + " (target first line < 200 ms)%n",
          percentile(delays, 50),
          percentile(delays, 99),
          delays.size());
    } finally {
      server.destroy();
      server.waitFor();
      Files.deleteIfExists(log);
    }
  }

  /**
   * Writes {@link #RUNS} finished runs of the bench's Jobs, in transactions of 500, and one with a
   * {@link #LOG_LINES}-line log; returns that one's id.
   */
  private static String seedRuns(String db) {
    try (ResourceStore store = StoreFactory.open(db)) {
      String measured = null;
      Instant start = Instant.now().minus(Duration.ofDays(7));
      for (int batch = 0; batch < RUNS / 500; batch++) {
        List<Mutation> creates = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          JobRun run =
              JobRunFactory.webhook(
                  "dash",
                  "job-" + (batch * 500 + i) % 250,
                  "push",
                  "refs/heads/" + (i % 10 == 0 ? "feature/x" : "main"),
                  "%040x".formatted(batch * 500L + i),
                  null);
          creates.add(new Mutation.Create(run));
        }
        List<Mutation> statuses = new ArrayList<>();
        int n = 0;
        for (var created : store.commit(creates)) {
          JobRun run = (JobRun) created;
          Instant began = start.plusSeconds(60L * (batch * 500 + n));
          JobRunStatus status = new JobRunStatus();
          status.phase = n % 7 == 0 ? "Failed" : "Succeeded";
          status.attempt = 1;
          status.startedAt = began.toString();
          status.finishedAt = began.plusSeconds(42).toString();
          status.steps = List.of(step("test", 0, began), step("build", n % 7 == 0 ? 2 : 0, began));
          run.setStatus(status);
          statuses.add(new Mutation.UpdateStatus(run));
          n++;
        }
        List<?> done = store.commit(statuses);
        if (measured == null) {
          measured = ((JobRun) done.get(0)).id();
          StringBuilder text = new StringBuilder();
          for (int l = 1; l <= LOG_LINES; l++) {
            text.append("\u001b[32mok\u001b[0m   line ")
                .append(l)
                .append(" of the build <output> & more\n");
          }
          store
              .runLogs()
              .report(
                  (JobRun) done.get(0),
                  1,
                  List.of(new RunReport.LogText("test", text.toString())),
                  10_000_000,
                  100_000_000);
        }
      }
      return measured;
    } catch (Exception e) {
      throw new IllegalStateException("seeding " + db + " failed: " + e.getMessage(), e);
    }
  }

  private static JobRunStatus.StepStatus step(String name, int exit, Instant began) {
    JobRunStatus.StepStatus s = new JobRunStatus.StepStatus();
    s.name = name;
    s.state = exit == 0 ? "Succeeded" : "Failed";
    s.exitCode = exit;
    s.startedAt = began.toString();
    s.finishedAt = began.plusSeconds(20).toString();
    return s;
  }

  /** The admin's Job whose step prints the wall clock in nanoseconds, one line at a time. */
  private static String ticker() {
    return """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: ticker}
        spec: {git_url: "%s", branch: main}
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: ticker}
        spec:
          steps:
            - name: tick
              command: 'i=0; while [ $i -lt %d ]; do i=$((i+1)); date +%%s%%N; sleep 0.02; done'
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: ticker}
        spec: {pipeline_name: ticker, github_repo_name: ticker}
        """
        .formatted(ApplyBench.gitUrl, TICKS);
  }

  /** A browser-like client signed in with the one-time link the server printed. */
  private static HttpClient signIn(String base, String serverLog) throws Exception {
    Matcher m = LINK.matcher(serverLog);
    if (!m.find()) {
      throw new IllegalStateException("the server printed no sign-in link:\n" + serverLog);
    }
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpResponse<Void> r =
        browser.send(
            HttpRequest.newBuilder(URI.create(m.group(1))).build(),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 303) {
      throw new IllegalStateException("the sign-in link answered " + r.statusCode());
    }
    return browser;
  }

  private static double medianServerMs(HttpClient browser, String url) throws Exception {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 5 + SAMPLES; i++) {
      HttpResponse<String> r =
          browser.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode());
      }
      if (i >= 5) {
        String timing = r.headers().firstValue("Server-Timing").orElse("app;dur=NaN");
        times.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
      }
    }
    Collections.sort(times);
    return percentile(times, 50);
  }

  /** Starts the ticker and reads its live log as the run page's EventSource does. */
  private static List<Double> liveLogDelays(HttpClient browser, String base) throws Exception {
    String path = "/api/v1/jobs/ticker/run";
    String body = "{\"ref\":\"main\"}";
    HttpResponse<String> started =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .header(
                        "Authorization",
                        ApplyBench.auth.header("POST", path, body.getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 201) {
      throw new IllegalStateException("the ticker did not start: " + started.body());
    }
    String run = ResourceCodec.json().readTree(started.body()).at("/data/run_id").asText();
    String page =
        browser
            .send(
                HttpRequest.newBuilder(URI.create(base + "/runs/" + run)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = STREAM.matcher(page);
    if (!m.find()) {
      throw new IllegalStateException("the run page has no live stream: is the run finished?");
    }
    HttpResponse<InputStream> sse =
        browser.send(
            HttpRequest.newBuilder(URI.create(base + m.group(1).replace("&amp;", "&"))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    List<Double> delays = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Instant now = Instant.now();
        double nowNanos = now.getEpochSecond() * 1e9 + now.getNano();
        if (line.startsWith("event: end")) {
          break;
        }
        Matcher stamp = STAMP.matcher(line);
        while (stamp.find()) {
          delays.add((nowNanos - Long.parseLong(stamp.group(1))) / 1e6);
        }
      }
    }
    if (delays.isEmpty()) {
      throw new IllegalStateException("no live line arrived from run " + run);
    }
    return delays;
  }

  private static double percentile(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
