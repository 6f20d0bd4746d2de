package dev.gryt.dashboard;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.server.ApiServices;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.LogChunk;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.RunLogStore;
import dev.gryt.store.RunPage;
import dev.gryt.store.RunQuery;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The runs page, a run's page with its live log, its raw log, and its cancel and retry buttons. */
final class RunPages {
  static final int PAGE_SIZE = 50;

  /**
   * The most characters of log a run page, a page of its log or one event of its live stream holds
   * (whole chunks: a first chunk larger than this comes whole).
   */
  static final long PAGE_CHARS = 256 * 1024;

  /** The most chunks one range read asks for. */
  private static final int MAX_BATCH = 256;

  /** How long one live-log stream stays open; the browser reconnects where it left off. */
  private static final Duration STREAM_FOR = Duration.ofMinutes(5);

  private final ApiServices services;
  private final Views views;

  RunPages(ApiServices services, Views views) {
    this.services = services;
    this.views = views;
  }

  /**
   * {@code GET /runs?job=&phase=&branch=&page=}: newest first; {@code fragment=1} the table only.
   */
  void list(Context ctx, SignedIn signedIn) {
    String job = filter(ctx, "job");
    String phase = filter(ctx, "phase");
    String branch = filter(ctx, "branch");
    List<String> problems = new ArrayList<>();
    if (phase != null && JobRunPhase.parse(phase).isEmpty()) {
      problems.add(
          "phase: must be one of Pending, Scheduled, Running, Succeeded, Failed, Cancelled, TimedOut");
    }
    int page;
    try {
      page = QueryParams.integer(ctx, "page", 1, 1, 1_000_000);
    } catch (ApiException e) {
      problems.add(e.getMessage());
      page = 1;
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(String.join("; ", problems));
    }
    ResourceStore view = services.viewOf(signedIn.acting());
    Instant now = services.clock().instant();
    RunQuery query =
        new RunQuery(
            "",
            job,
            phase == null ? Set.of() : Set.of(JobRunPhase.of(phase)),
            branch,
            (page - 1) * PAGE_SIZE,
            PAGE_SIZE);
    RunPage found = view.runs(query);
    List<RunRow> rows = found.runs().stream().map(r -> RunRow.of(r, now)).toList();
    int total = found.total();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("chrome", Dashboard.chrome(services, signedIn, "runs"));
    params.put("runs", rows);
    params.put("job", job == null ? "" : job);
    params.put("phase", phase == null ? "" : phase);
    params.put("branch", branch == null ? "" : branch);
    params.put("page", page);
    params.put("pages", Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE));
    params.put("total", total);
    params.put("moving", rows.stream().anyMatch(r -> !r.finished()));
    params.put("nothingApplied", nothingApplied(view, job, phase, branch, total));
    params.put("query", query(job, phase, branch));
    boolean fragment = "1".equals(ctx.queryParam("fragment"));
    views.render(ctx, 200, fragment ? "runs_table.jte" : "runs.jte", params);
  }

  /**
   * {@code GET /runs/{ref}[?after=SEQ&line=N]}: steps, a page of the log (live while the run runs),
   * the buttons. A page of the log holds whole chunks up to {@link #PAGE_CHARS} characters, so that
   * the largest log opens at once; a link reads the next page ({@code fragment=1}: that page's
   * lines and the link after them only).
   */
  void show(Context ctx, SignedIn signedIn) {
    List<String> problems = new ArrayList<>();
    long after = number(ctx, "after", 0, problems);
    long firstLine = number(ctx, "line", 1, problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(String.join("; ", problems));
    }
    ResourceStore view = services.viewOf(signedIn.acting());
    JobRun run = Refs.find(view, ctx, JobRun.class);
    LogPage page =
        logPage(
            view.runLogs(),
            run.getMetadata().getNamespace(),
            run.getMetadata().getName(),
            after,
            PAGE_CHARS);
    List<LogLines.Line> lines = LogLines.of(page.chunks(), firstLine);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("lines", lines);
    params.put("runId", run.id());
    params.put("more", page.more());
    params.put("nextSeq", page.lastSeq(after));
    params.put("nextLine", firstLine + lines.size());
    if ("1".equals(ctx.queryParam("fragment"))) {
      views.render(ctx, 200, "log_page.jte", params);
      return;
    }
    params.put("chrome", Dashboard.chrome(services, signedIn, "runs"));
    params.put("run", RunRow.of(run, services.clock().instant()));
    params.put("steps", steps(run));
    params.put("firstLine", firstLine);
    views.render(ctx, 200, "run.jte", params);
  }

  /** Whole chunks of a run's log, oldest first, and whether more follow them. */
  record LogPage(List<LogChunk> chunks, boolean more) {
    /** The seq of the page's last chunk; {@code after} for an empty page. */
    long lastSeq(long after) {
      return chunks.isEmpty() ? after : chunks.get(chunks.size() - 1).seq();
    }
  }

  /**
   * The chunks after {@code after}, whole, until the next would pass {@code maxChars} characters
   * (the first always comes). Read a few at a time with the store's range reads: a chunk is one
   * report's output of a step, from a line to megabytes, so each read asks for about as many as the
   * characters left are likely to hold, and a huge log is never read whole.
   */
  static LogPage logPage(RunLogStore logs, String ns, String name, long after, long maxChars) {
    List<LogChunk> page = new ArrayList<>();
    long chars = 0;
    int batch = 8;
    while (true) {
      List<LogChunk> read = logs.read(ns, name, after, batch);
      for (LogChunk c : read) {
        if (!page.isEmpty() && chars + c.text().length() > maxChars) {
          return new LogPage(page, true);
        }
        page.add(c);
        chars += c.text().length();
        after = c.seq();
      }
      if (read.size() < batch) {
        return new LogPage(page, false);
      }
      long average = Math.max(1, chars / page.size());
      batch = (int) Math.max(1, Math.min(MAX_BATCH, (maxChars - chars) / average + 1));
    }
  }

  /** {@code GET /runs/{ref}/log.txt}: the whole log as stored, as a download. */
  void raw(Context ctx, SignedIn signedIn) throws IOException {
    ResourceStore view = services.viewOf(signedIn.acting());
    JobRun run = Refs.find(view, ctx, JobRun.class);
    ctx.contentType("text/plain; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"" + run.id() + ".log\"");
    OutputStream out = ctx.outputStream();
    long after = 0;
    while (true) {
      List<LogChunk> chunks =
          view.runLogs()
              .read(run.getMetadata().getNamespace(), run.getMetadata().getName(), after, 1000);
      for (LogChunk c : chunks) {
        out.write(c.text().getBytes(StandardCharsets.UTF_8));
        after = c.seq();
      }
      if (chunks.size() < 1000) {
        break;
      }
    }
  }

  /**
   * {@code GET /runs/{ref}/log-stream?after=SEQ&line=N}: server-sent events, each a fragment of
   * rendered (escaped) log lines, while the run runs; {@code end} when it has finished and all of
   * its log was sent. The event id carries where to resume, so a reconnecting browser gets no line
   * twice.
   */
  void stream(Context ctx, SignedIn signedIn) throws Exception {
    ResourceStore view = services.viewOf(signedIn.acting());
    JobRun run = Refs.find(view, ctx, JobRun.class);
    long after = QueryParams.number(ctx, "after", 0, 0, Long.MAX_VALUE);
    long line = QueryParams.number(ctx, "line", 1, 1, Long.MAX_VALUE);
    String resume = ctx.header("Last-Event-ID");
    if (resume != null && resume.matches("\\d{1,18}:\\d{1,18}")) {
      after = Long.parseLong(resume.substring(0, resume.indexOf(':')));
      line = Long.parseLong(resume.substring(resume.indexOf(':') + 1));
    }
    String ns = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();
    ctx.status(HttpStatus.OK);
    ctx.header("Content-Type", "text/event-stream; charset=utf-8");
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    long deadline = System.nanoTime() + STREAM_FOR.toNanos();
    try {
      // The headers and a reconnection delay at once: the browser knows the stream is open.
      out.write("retry: 3000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (System.nanoTime() < deadline) {
        // The position first: a change after it wakes the wait below.
        long rv = view.resourceVersion();
        JobRun now = view.get(JobRun.class, ns, name).orElse(null);
        LogPage page = logPage(view.runLogs(), ns, name, after, PAGE_CHARS);
        List<LogChunk> chunks = page.chunks();
        if (!chunks.isEmpty()) {
          List<LogLines.Line> lines = LogLines.of(chunks, line);
          after = chunks.get(chunks.size() - 1).seq();
          line += lines.size();
          Map<String, Object> params = new LinkedHashMap<>();
          params.put("lines", lines);
          send(out, "lines", after + ":" + line, views.html("log_lines.jte", params));
        }
        if (now == null
            || (now.getStatus() != null && JobRunPhase.terminal(now.getStatus().phase))) {
          if (!page.more()) {
            RunRow row = now == null ? null : RunRow.of(now, services.clock().instant());
            send(out, "end", after + ":" + line, row == null ? "Deleted" : row.phase());
            return;
          }
          continue;
        }
        if (chunks.isEmpty()) {
          CompletableFuture<?> changed;
          try {
            changed = services.runChanged(signedIn.acting(), now, rv, Duration.ofSeconds(20));
          } catch (ApiException e) {
            // The caller holds its most long polls (other pages, watches): look again shortly.
            changed =
                CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
          }
          if (changed != null) {
            try {
              changed.get(25, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
              // Nothing came: a keep-alive comment tells us whether the browser is still there.
            }
          }
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (IOException e) {
      // The browser went away.
    }
  }

  private static void send(OutputStream out, String event, String id, String data)
      throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("event: ").append(event).append('\n').append("id: ").append(id).append('\n');
    for (String l : data.split("\n", -1)) {
      b.append("data: ").append(l).append('\n');
    }
    b.append('\n');
    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void cancel(Context ctx, SignedIn signedIn) {
    ResourceStore view = services.viewOf(signedIn.acting());
    JobRun run = Refs.find(view, ctx, JobRun.class);
    if (run.getStatus() != null && JobRunPhase.terminal(run.getStatus().phase)) {
      throw ApiException.conflict("run " + run.id() + " has finished: there is nothing to cancel");
    }
    JobRun cancelled = services.runs().cancel(signedIn.acting(), run);
    ctx.redirect(Refs.href(cancelled), HttpStatus.SEE_OTHER);
  }

  void retry(Context ctx, SignedIn signedIn) {
    ResourceStore view = services.viewOf(signedIn.acting());
    JobRun old = Refs.find(view, ctx, JobRun.class);
    if (old.getStatus() == null || !JobRunPhase.terminal(old.getStatus().phase)) {
      throw ApiException.conflict("run " + old.id() + " has not finished: cancel it first");
    }
    JobRun run = services.runs().retry(signedIn.acting(), old);
    ctx.redirect(Refs.href(run), HttpStatus.SEE_OTHER);
  }

  private List<StepRow> steps(JobRun run) {
    List<StepRow> out = new ArrayList<>();
    if (run.getStatus() == null || run.getStatus().steps == null) {
      return out;
    }
    Instant now = services.clock().instant();
    for (var s : run.getStatus().steps) {
      Instant started = RunRow.instant(s.startedAt);
      Instant finished = RunRow.instant(s.finishedAt);
      out.add(
          new StepRow(
              s.name,
              s.state == null ? "pending" : s.state,
              s.exitCode == null ? "" : s.exitCode.toString(),
              started == null ? "" : RunRow.span(started, finished == null ? now : finished)));
    }
    return out;
  }

  /**
   * Whether the account has neither a run nor a Job: the page then teaches the first apply. A
   * filtered page that found nothing asks the store once more, for one run of any kind.
   */
  private static boolean nothingApplied(
      ResourceStore view, String job, String phase, String branch, int total) {
    if (total > 0) {
      return false;
    }
    boolean filtered = job != null || phase != null || branch != null;
    if (filtered && view.runs(RunQuery.newest(0, 1)).total() > 0) {
      return false;
    }
    return view.list(Job.class, null, Map.of()).isEmpty();
  }

  /** A whole-number parameter of at least {@code fallback}; a problem noted when it is not. */
  private static long number(Context ctx, String name, long fallback, List<String> problems) {
    try {
      return QueryParams.number(ctx, name, fallback, fallback, Long.MAX_VALUE);
    } catch (ApiException e) {
      problems.add(e.getMessage());
      return fallback;
    }
  }

  /** A filter's value: null when absent or blank; 400 when longer than any name can be. */
  private static String filter(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    if (v.length() > 253) {
      throw ApiException.badRequest(name + ": at most 253 characters");
    }
    return v.strip();
  }

  private static String query(String job, String phase, String branch) {
    StringBuilder b = new StringBuilder();
    for (String[] kv : new String[][] {{"job", job}, {"phase", phase}, {"branch", branch}}) {
      if (kv[1] != null) {
        b.append('&')
            .append(kv[0])
            .append('=')
            .append(java.net.URLEncoder.encode(kv[1], StandardCharsets.UTF_8));
      }
    }
    return b.toString();
  }
}
