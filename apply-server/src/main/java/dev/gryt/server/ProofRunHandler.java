package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.ProofRun;
import dev.gryt.store.ReleaseStore;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/pipeline-runs}: the pipeline runs a client ran to prove an evolution, uploaded as
 * the original gryt client does ({@code {pipeline_run, runners, step_outputs}}) and read back
 * whole. Scoped to the caller's account; one run per {@code pipeline_id}, replaced when sent again.
 * Every text a run carries passes through {@link TokenMask} before it is stored: an upload is a
 * log, and logs leak credentials.
 */
final class ProofRunHandler {
  /** The most one stored run may take, once masked: 1 MiB. */
  static final int MAX_STORED_BYTES = 1024 * 1024;

  /** How many runs an account keeps; the oldest go when a new one arrives. */
  static final int KEPT_PER_ACCOUNT = 500;

  static final int MAX_RUNNERS = 200;
  static final int MAX_STEP_OUTPUTS = 2_000;
  private static final Set<String> TOP_FIELDS = Set.of("pipeline_run", "runners", "step_outputs");
  private static final Set<String> RUN_FIELDS =
      Set.of(
          "pipeline_id",
          "name",
          "start_timestamp",
          "end_timestamp",
          "status",
          "config_json",
          "team_id");
  private static final Set<String> RUNNER_FIELDS =
      Set.of("runner_id", "pipeline_id", "name", "execution_order", "status");
  private static final Set<String> STEP_FIELDS =
      Set.of(
          "step_id",
          "runner_id",
          "name",
          "output_json",
          "stdout",
          "stderr",
          "status",
          "duration",
          "timestamp");

  private final ResourceStore store;

  ProofRunHandler(ResourceStore store) {
    this.store = store;
  }

  /** {@code POST /api/v1/pipeline-runs}: 201 for a new run, 200 when it replaced one. */
  void create(Context ctx) {
    String account = Principal.of(ctx).accountId();
    JsonNode body = ReleaseJson.body(ctx);
    ReleaseRules rules = new ReleaseRules();
    rules.onlyFields(body, TOP_FIELDS);
    JsonNode run = body.get("pipeline_run");
    String pipelineId = null;
    String name = null;
    String status = null;
    if (run == null || !run.isObject()) {
      rules.add("pipeline_run", "required: an object with pipeline_id, name, status, …");
    } else {
      rules.fields(run, "pipeline_run", RUN_FIELDS);
      pipelineId = rules.clientId(run.get("pipeline_id"), "pipeline_run.pipeline_id", true);
      name = rules.text(run.get("name"), "pipeline_run.name", false);
      status = rules.text(run.get("status"), "pipeline_run.status", false);
      rules.scalar(run.get("start_timestamp"), "pipeline_run.start_timestamp");
      rules.scalar(run.get("end_timestamp"), "pipeline_run.end_timestamp");
      rules.scalar(run.get("team_id"), "pipeline_run.team_id");
      rules.jsonText(run.get("config_json"), "pipeline_run.config_json");
    }
    String runId = pipelineId;
    List<String> runnerIds =
        list(
            rules,
            body.get("runners"),
            "runners",
            MAX_RUNNERS,
            RUNNER_FIELDS,
            "runner_id",
            (runner, at) -> {
              rules.text(runner.get("name"), at + ".name", false);
              rules.text(runner.get("status"), at + ".status", false);
              rules.number(runner.get("execution_order"), at + ".execution_order");
              String of = scalarText(runner.get("pipeline_id"));
              if (of != null && runId != null && !of.equals(runId)) {
                rules.add(at + ".pipeline_id", "'" + of + "' is not this run's " + runId);
              }
            });
    list(
        rules,
        body.get("step_outputs"),
        "step_outputs",
        MAX_STEP_OUTPUTS,
        STEP_FIELDS,
        "step_id",
        (step, at) -> {
          String runner = scalarText(step.get("runner_id"));
          if (runner != null && !runnerIds.contains(runner)) {
            rules.add(at + ".runner_id", "no runner " + runner + " in runners");
          }
          rules.text(step.get("name"), at + ".name", false);
          rules.text(step.get("status"), at + ".status", false);
          for (String output : List.of("stdout", "stderr")) {
            JsonNode text = step.get(output);
            if (text != null && !text.isNull() && !text.isTextual()) {
              rules.add(at + "." + output, "must be a string");
            }
          }
          rules.jsonText(step.get("output_json"), at + ".output_json");
          rules.number(step.get("duration"), at + ".duration");
          rules.scalar(step.get("timestamp"), at + ".timestamp");
        });
    JsonNode runners = body.get("runners");
    JsonNode steps = body.get("step_outputs");
    rules.throwIfAny("invalid pipeline run");

    ObjectNode stored = ResourceCodec.json().createObjectNode();
    stored.set("pipeline_run", run);
    stored.set("runners", runners == null ? ResourceCodec.json().createArrayNode() : runners);
    stored.set("step_outputs", steps == null ? ResourceCodec.json().createArrayNode() : steps);
    String json = new String(ResourceCodec.toJsonBytes(TokenMask.maskTexts(stored)), UTF8);
    int bytes = json.getBytes(UTF8).length;
    if (bytes > MAX_STORED_BYTES) {
      throw ApiException.tooLarge(
          "pipeline run "
              + pipelineId
              + " takes "
              + bytes
              + " bytes; a stored run may take "
              + MAX_STORED_BYTES
              + " (trim stdout and stderr)");
    }
    ProofRun saved =
        releases()
            .putProofRun(
                new ProofRun(
                    account,
                    pipelineId,
                    name == null ? "" : name,
                    status == null ? "" : status,
                    scalarText(run.get("start_timestamp")),
                    scalarText(run.get("end_timestamp")),
                    json,
                    null,
                    null));
    // The store keeps the first upload's createdAt: a later one means this replaced it.
    boolean replaced = !saved.createdAt().equals(saved.updatedAt());
    releases().pruneProofRuns(account, KEPT_PER_ACCOUNT);
    Envelope.reply(
        ctx,
        replaced ? 200 : 201,
        Envelope.success(
            "pipeline run " + pipelineId + (replaced ? " replaced" : " stored"), view(saved)));
  }

  /** {@code GET /api/v1/pipeline-runs?limit=}: the newest first, without their outputs. */
  void list(Context ctx) {
    String account = Principal.of(ctx).accountId();
    int limit = (int) QueryParams.number(ctx, "limit", 100, 1, KEPT_PER_ACCOUNT);
    List<Object> items = new ArrayList<>();
    for (ProofRun run : releases().proofRuns(account, limit)) {
      items.add(summary(run));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("pipeline_runs", items);
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " pipeline runs", data));
  }

  /** {@code GET /api/v1/pipeline-runs/{pipeline_id}}: the run, its runners and step outputs. */
  void get(Context ctx) {
    String account = Principal.of(ctx).accountId();
    String pipelineId = ctx.pathParam("pipeline_id");
    ProofRun run =
        releases()
            .proofRun(account, pipelineId)
            .orElseThrow(() -> ApiException.notFound("pipeline run " + pipelineId + " not found"));
    Envelope.reply(ctx, 200, Envelope.success("pipeline run " + pipelineId, view(run)));
  }

  private static ObjectNode summary(ProofRun run) {
    ObjectNode node = ResourceCodec.json().createObjectNode();
    node.put("pipeline_id", run.pipelineId());
    node.put("name", run.name());
    node.put("status", run.status());
    node.put("start_timestamp", run.startedAt());
    node.put("end_timestamp", run.endedAt());
    node.put("created_at", run.createdAt());
    node.put("updated_at", run.updatedAt());
    return node;
  }

  private static ObjectNode view(ProofRun run) {
    ObjectNode node = summary(run);
    try {
      JsonNode body = ResourceCodec.json().readTree(run.bodyJson());
      node.set("pipeline_run", body.path("pipeline_run"));
      node.set("runners", body.path("runners"));
      node.set("step_outputs", body.path("step_outputs"));
    } catch (IOException e) {
      throw new IllegalStateException(
          "stored pipeline run " + run.pipelineId() + " is not JSON", e);
    }
    return node;
  }

  // ---------------------------------------------------------------- checks

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /**
   * Checks a list of objects with an id each, and each object with {@code check(item, path)};
   * returns the ids.
   */
  private static List<String> list(
      ReleaseRules rules,
      JsonNode node,
      String at,
      int max,
      Set<String> allowed,
      String idField,
      java.util.function.BiConsumer<JsonNode, String> check) {
    List<String> ids = new ArrayList<>();
    if (node == null || node.isNull()) {
      return ids;
    }
    if (!node.isArray()) {
      rules.add(at, "must be a list");
      return ids;
    }
    if (node.size() > max) {
      rules.add(at, "has " + node.size() + " entries; at most " + max);
      return ids;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemAt = at + "[" + i + "]";
      if (!item.isObject()) {
        rules.add(itemAt, "must be an object");
        continue;
      }
      rules.fields(item, itemAt, allowed);
      String id = rules.clientId(item.get(idField), itemAt + "." + idField, true);
      if (id != null) {
        if (ids.contains(id)) {
          rules.add(itemAt + "." + idField, "duplicate " + idField + " " + id);
        }
        ids.add(id);
      }
      check.accept(item, itemAt);
    }
    return ids;
  }

  private static String scalarText(JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
  }

  private ReleaseStore releases() {
    return store.releases();
  }
}
