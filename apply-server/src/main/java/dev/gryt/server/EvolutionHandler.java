package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Evolution;
import dev.gryt.store.Generation;
import dev.gryt.store.ReleaseStore;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/evolutions}: proofs of a generation's changes, scoped to the caller's account.
 * {@code {ref}} is an evolution id ({@code evo-…}) or a code name.
 */
final class EvolutionHandler {
  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "generation_id",
          "change_id",
          "code_name",
          "status",
          "pipeline",
          "started_at",
          "completed_at",
          "evolution_id",
          "tag",
          "pipeline_run_id",
          "created_by");
  private static final Set<String> UPDATE_FIELDS =
      Set.of("status", "pipeline", "completed_at", "pipeline_run_id");

  private final ResourceStore store;

  EvolutionHandler(ResourceStore store) {
    this.store = store;
  }

  void create(Context ctx) {
    String account = Principal.of(ctx).accountId();
    JsonNode body = ReleaseJson.body(ctx);
    ReleaseRules rules = new ReleaseRules();
    rules.onlyFields(body, CREATE_FIELDS);
    String generationId = rules.text(body.get("generation_id"), "generation_id", true);
    String changeId = rules.text(body.get("change_id"), "change_id", true);
    String codeName = rules.codeName(body.get("code_name"), "code_name");
    String status = rules.evolutionStatus(body.get("status"), "status");
    String pipeline = rules.text(body.get("pipeline"), "pipeline", false);
    String startedAt = time(rules, body, "started_at");
    String completedAt = time(rules, body, "completed_at");
    String clientId = rules.clientId(body.get("evolution_id"), "evolution_id", false);
    String tag = rules.text(body.get("tag"), "tag", false);
    String pipelineRunId = rules.clientId(body.get("pipeline_run_id"), "pipeline_run_id", false);
    String createdBy = rules.text(body.get("created_by"), "created_by", false);
    Generation generation = null;
    if (generationId != null) {
      generation = releases().generation(account, generationId).orElse(null);
      if (generation == null) {
        rules.add("generation_id", "no generation " + generationId);
      } else if (changeId != null && !changeIds(generation).contains(changeId)) {
        rules.add("change_id", "generation " + generation.version() + " has no change " + changeId);
      }
    }
    rules.throwIfAny("invalid evolution");
    ReleaseRules.refuseIfPromoted(generation);
    Evolution created =
        releases()
            .createEvolution(
                new Evolution(
                    null,
                    account,
                    generationId,
                    changeId,
                    codeName,
                    status == null ? "in_progress" : status,
                    pipeline,
                    startedAt,
                    completedAt,
                    null,
                    null,
                    clientId,
                    tag,
                    pipelineRunId,
                    createdBy));
    Envelope.reply(
        ctx,
        201,
        Envelope.success("evolution " + codeName + " created", ReleaseJson.view(created)));
  }

  void list(Context ctx) {
    String account = Principal.of(ctx).accountId();
    String generationId = ctx.queryParam("generation_id");
    List<Object> items = new ArrayList<>();
    for (Evolution e : releases().evolutions(account, generationId)) {
      items.add(ReleaseJson.view(e));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    // data.evolutions is the documented wire shape; items is what every other list here uses.
    data.put("evolutions", items);
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " evolutions", data));
  }

  void get(Context ctx) {
    Evolution e = find(ctx);
    Envelope.reply(ctx, 200, Envelope.success("evolution " + e.codeName(), ReleaseJson.view(e)));
  }

  void update(Context ctx) {
    Evolution e = find(ctx);
    JsonNode body = ReleaseJson.body(ctx);
    ReleaseRules rules = new ReleaseRules();
    rules.onlyFields(body, UPDATE_FIELDS);
    String status = rules.evolutionStatus(body.get("status"), "status");
    String pipeline = rules.text(body.get("pipeline"), "pipeline", false);
    String completedAt = time(rules, body, "completed_at");
    String pipelineRunId = rules.clientId(body.get("pipeline_run_id"), "pipeline_run_id", false);
    rules.throwIfAny("invalid evolution");
    releases()
        .generation(e.accountId(), e.generationId())
        .ifPresent(ReleaseRules::refuseIfPromoted);
    Evolution updated =
        releases()
            .updateEvolution(
                new Evolution(
                    e.id(),
                    e.accountId(),
                    null,
                    null,
                    null,
                    status == null ? e.status() : status,
                    pipeline == null ? e.pipeline() : pipeline,
                    null,
                    completedAt == null ? e.completedAt() : completedAt,
                    null,
                    null,
                    null,
                    null,
                    pipelineRunId == null ? e.pipelineRunId() : pipelineRunId,
                    null));
    Envelope.reply(
        ctx,
        200,
        Envelope.success("evolution " + e.codeName() + " updated", ReleaseJson.view(updated)));
  }

  void delete(Context ctx) {
    Evolution e = find(ctx);
    releases()
        .generation(e.accountId(), e.generationId())
        .ifPresent(ReleaseRules::refuseIfPromoted);
    releases().deleteEvolution(e.accountId(), e.id());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", e.id());
    data.put("code_name", e.codeName());
    data.put("action", "deleted");
    Envelope.reply(ctx, 200, Envelope.success("evolution " + e.codeName() + " deleted", data));
  }

  private static String time(ReleaseRules rules, JsonNode body, String field) {
    String text = rules.text(body.get(field), field, false);
    if (text != null) {
      try {
        Instant.parse(text);
      } catch (java.time.format.DateTimeParseException ex) {
        rules.add(field, "'" + text + "' is not an ISO-8601 UTC time such as 2026-01-01T00:00:00Z");
        return null;
      }
    }
    return text;
  }

  private static Set<String> changeIds(Generation g) {
    Set<String> ids = new java.util.HashSet<>();
    ReleaseJson.changes(g).forEach(c -> ids.add(c.path("id").asText()));
    return ids;
  }

  private Evolution find(Context ctx) {
    String account = Principal.of(ctx).accountId();
    String ref = ctx.pathParam("ref");
    if (ref.startsWith("evo-")) {
      return releases()
          .evolution(account, ref)
          .orElseThrow(() -> ApiException.notFound("evolution " + ref + " not found"));
    }
    return releases().evolutions(account, null).stream()
        .filter(e -> e.codeName().equals(ref))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("evolution " + ref + " not found"));
  }

  private ReleaseStore releases() {
    return store.releases();
  }
}
