package dev.gryt.server;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.LogChunk;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StepLogSize;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step's log, however large, read without loading it whole:
 *
 * <ul>
 *   <li>{@code GET /api/v1/runs/{ref}/steps/{step}/log?after=SEQ&limit=N&max_chars=C}: a page of
 *       the step's chunks after chunk {@code SEQ} (at most {@code N} chunks, and none more once
 *       {@code C} characters are read), with the step's totals (chunks, characters, lines), the
 *       line number the page starts at and {@code next}, the cursor of the following page;
 *   <li>{@code GET /api/v1/runs/{ref}/steps/{step}/log/raw}: the whole log as {@code text/plain},
 *       streamed a few chunks at a time.
 * </ul>
 *
 * Another account's run is 404; bad paging parameters are a 400 listing each of them.
 */
final class StepLogHandler {
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 50;
  private static final long DEFAULT_MAX_CHARS = 1024 * 1024;
  private static final long MAX_MAX_CHARS = 8L * 1024 * 1024;

  /** Chunks read per round trip while streaming the raw log. */
  private static final int RAW_BATCH = 8;

  private final ResourceStore store;

  StepLogHandler(ResourceStore store) {
    this.store = store;
  }

  void page(Context ctx) {
    QueryParams.All query = new QueryParams.All(ctx);
    long after = query.number("after", 0, 0, Long.MAX_VALUE);
    int limit = (int) query.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long maxChars = query.number("max_chars", DEFAULT_MAX_CHARS, 1, MAX_MAX_CHARS);
    query.check();
    ResourceStore store = TenantStore.of(this.store, ctx);
    JobRun run = ResourceRefs.find(store, ctx, JobRun.class);
    String ns = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();
    String step = ctx.pathParam("step");
    List<LogChunk> chunks = store.runLogs().readStep(ns, name, step, after, limit, maxChars);
    StepLogSize size = store.runLogs().stepSize(ns, name, step, after);
    List<Map<String, Object>> items = new ArrayList<>(chunks.size());
    long next = after;
    for (LogChunk c : chunks) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("seq", c.seq());
      item.put("attempt", c.attempt());
      item.put("text", c.text());
      if (c.truncated()) {
        item.put("truncated", true);
      }
      items.add(item);
      next = c.seq();
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run_id", run.id());
    data.put("step", step);
    data.put("phase", run.getStatus() == null ? null : run.getStatus().phase);
    data.put("finished", run.getStatus() != null && JobRunPhase.terminal(run.getStatus().phase));
    data.put("first_line", size.linesThrough() + 1);
    data.put("next", next);
    data.put("total_chunks", size.chunks());
    data.put("total_chars", size.chars());
    data.put("total_lines", size.lines());
    data.put("chunks", items);
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " log chunk(s)", data));
  }

  void raw(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    JobRun run = ResourceRefs.find(store, ctx, JobRun.class);
    String ns = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();
    String step = ctx.pathParam("step");
    ctx.status(200);
    ctx.contentType("text/plain; charset=utf-8");
    // The names are resource names and step names: quoted, with quotes and controls dropped.
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\""
            + (name + "-" + step).replaceAll("[^A-Za-z0-9._-]", "_")
            + ".log\"");
    try {
      OutputStream out = ctx.res().getOutputStream();
      long after = 0;
      while (true) {
        List<LogChunk> chunks =
            store.runLogs().readStep(ns, name, step, after, RAW_BATCH, Long.MAX_VALUE);
        if (chunks.isEmpty()) {
          break;
        }
        for (LogChunk c : chunks) {
          out.write(c.text().getBytes(StandardCharsets.UTF_8));
          after = c.seq();
        }
        out.flush();
      }
      out.flush();
    } catch (IOException e) {
      // The client went away mid-download: there is no one to answer.
      ctx.res().setStatus(200);
    }
  }
}
