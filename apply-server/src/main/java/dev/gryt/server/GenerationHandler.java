package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Evolution;
import dev.gryt.store.Generation;
import dev.gryt.store.ReleaseStore;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/generations}: the cloud replica of local-first generations, each scoped to the
 * caller's account. {@code {ref}} is a generation id ({@code gen-…}) or a version.
 */
final class GenerationHandler {
  /**
   * What a body may hold: gryt's fields, and the original gryt client's local record, of which the
   * server keeps {@code generation_id} (as the client's id) and {@code pipeline_template}, and
   * checks but ignores what only the client's database means (the server decides the status: draft
   * until promoted through its endpoint).
   */
  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "version",
          "description",
          "changes",
          "generation_id",
          "pipeline_template",
          "status",
          "sync_status",
          "remote_id",
          "created_at",
          "updated_at",
          "promoted_at",
          "team_id");

  private static final Set<String> IGNORED_FIELDS =
      Set.of(
          "status",
          "sync_status",
          "remote_id",
          "created_at",
          "updated_at",
          "promoted_at",
          "team_id");
  private static final Set<String> PROMOTE_FIELDS = Set.of("promoted_by", "promoted_at");

  private final ResourceStore store;
  private final Clock clock;

  GenerationHandler(ResourceStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void create(Context ctx) {
    String account = Principal.of(ctx).accountId();
    JsonNode body = ReleaseJson.body(ctx);
    ReleaseRules rules = new ReleaseRules();
    rules.onlyFields(body, CREATE_FIELDS);
    String version = rules.version(body.get("version"), "version");
    String description = rules.text(body.get("description"), "description", false);
    rules.changes(body.get("changes"), "changes");
    String clientId = clientFields(rules, body);
    rules.throwIfAny("invalid generation");
    refuseTakenVersion(account, version, null);
    Generation created =
        releases()
            .createGeneration(
                new Generation(
                    null,
                    account,
                    version,
                    description == null ? "" : description,
                    ReleaseJson.changesJson(body.get("changes")),
                    Generation.DRAFT,
                    null,
                    null,
                    null,
                    null,
                    clientId,
                    pipelineTemplate(body)));
    Envelope.reply(
        ctx,
        201,
        Envelope.success("generation " + version + " created", ReleaseJson.view(created)));
  }

  void list(Context ctx) {
    String account = Principal.of(ctx).accountId();
    String version = ctx.queryParam("version");
    if (version != null && !version.startsWith("v")) {
      version = "v" + version;
    }
    List<Object> items = new ArrayList<>();
    for (Generation g : releases().generations(account, version)) {
      items.add(ReleaseJson.view(g));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    // data.generations is the documented wire shape; items is what every other list here uses.
    data.put("generations", items);
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " generations", data));
  }

  void get(Context ctx) {
    Generation g = find(ctx);
    Envelope.reply(ctx, 200, Envelope.success("generation " + g.version(), ReleaseJson.view(g)));
  }

  void update(Context ctx) {
    Generation g = find(ctx);
    JsonNode body = ReleaseJson.body(ctx);
    ReleaseRules rules = new ReleaseRules();
    rules.onlyFields(body, CREATE_FIELDS);
    String version = body.has("version") ? rules.version(body.get("version"), "version") : null;
    String description = rules.text(body.get("description"), "description", false);
    rules.changes(body.get("changes"), "changes");
    String clientId = clientFields(rules, body);
    rules.throwIfAny("invalid generation");
    ReleaseRules.refuseIfPromoted(g);
    if (version != null && !version.equals(g.version())) {
      refuseTakenVersion(g.accountId(), version, g.id());
    }
    Generation updated =
        releases()
            .updateGeneration(
                new Generation(
                    g.id(),
                    g.accountId(),
                    version == null ? g.version() : version,
                    description == null ? g.description() : description,
                    body.has("changes")
                        ? ReleaseJson.changesJson(body.get("changes"))
                        : g.changesJson(),
                    g.status(),
                    null,
                    null,
                    null,
                    null,
                    clientId == null ? g.clientId() : clientId,
                    body.has("pipeline_template") ? pipelineTemplate(body) : g.pipelineTemplate()));
    Envelope.reply(
        ctx,
        200,
        Envelope.success(
            "generation " + updated.version() + " updated", ReleaseJson.view(updated)));
  }

  /**
   * {@code POST /generations/{ref}/promote}: passes only when every change has a passing evolution
   * and no change's latest evolution failed; otherwise 409 naming each unproven change. Promoting a
   * promoted generation again changes nothing.
   */
  void promote(Context ctx) {
    Generation g = find(ctx);
    JsonNode body = ctx.bodyAsBytes().length == 0 ? null : ReleaseJson.body(ctx);
    ReleaseRules rules = new ReleaseRules();
    String by = null;
    String at = null;
    if (body != null) {
      rules.onlyFields(body, PROMOTE_FIELDS);
      by = rules.text(body.get("promoted_by"), "promoted_by", false);
      at = rules.text(body.get("promoted_at"), "promoted_at", false);
      if (at != null) {
        try {
          Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
          rules.add("promoted_at", "'" + at + "' is not an ISO-8601 UTC time");
        }
      }
    }
    rules.throwIfAny("invalid promotion");
    if (g.promoted()) {
      Envelope.reply(
          ctx,
          200,
          Envelope.success("generation " + g.version() + " already promoted", ReleaseJson.view(g)));
      return;
    }
    List<String> unproven = unproven(g);
    if (!unproven.isEmpty()) {
      throw new ApiException(
          409,
          "generation "
              + g.version()
              + " cannot be promoted: unproven change(s) "
              + String.join(", ", unproven),
          unproven);
    }
    Generation promoted =
        releases()
            .updateGeneration(
                new Generation(
                    g.id(),
                    g.accountId(),
                    g.version(),
                    g.description(),
                    g.changesJson(),
                    Generation.PROMOTED,
                    by == null ? Principal.of(ctx).username() : by,
                    at == null ? Instant.now(clock).toString() : at,
                    null,
                    null,
                    g.clientId(),
                    g.pipelineTemplate()));
    Envelope.reply(
        ctx,
        200,
        Envelope.success("generation " + g.version() + " promoted", ReleaseJson.view(promoted)));
  }

  void delete(Context ctx) {
    Generation g = find(ctx);
    ReleaseRules.refuseIfPromoted(g);
    releases().deleteGeneration(g.accountId(), g.id());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", g.id());
    data.put("version", g.version());
    data.put("action", "deleted");
    Envelope.reply(ctx, 200, Envelope.success("generation " + g.version() + " deleted", data));
  }

  /** Checks the client's fields; returns its id of the generation, if it sent one. */
  private static String clientFields(ReleaseRules rules, JsonNode body) {
    for (String field : IGNORED_FIELDS) {
      rules.scalar(body.get(field), field);
    }
    rules.jsonText(body.get("pipeline_template"), "pipeline_template");
    return rules.clientId(body.get("generation_id"), "generation_id", false);
  }

  /** The pipeline template as JSON text (a string sent stays a JSON string), or null. */
  private static String pipelineTemplate(JsonNode body) {
    JsonNode template = body.get("pipeline_template");
    return template == null || template.isNull()
        ? null
        : new String(ResourceCodec.toJsonBytes(template), StandardCharsets.UTF_8);
  }

  /** Change ids without a passing evolution, or whose latest evolution failed. */
  private List<String> unproven(Generation g) {
    List<Evolution> evolutions = releases().evolutions(g.accountId(), g.id());
    List<String> unproven = new ArrayList<>();
    for (JsonNode change : ReleaseJson.changes(g)) {
      String id = change.path("id").asText();
      String why = ChangeProof.unprovenBecause(id, evolutions);
      if (why != null) {
        unproven.add(id + " (" + why + ")");
      }
    }
    return unproven;
  }

  private void refuseTakenVersion(String account, String version, String exceptId) {
    for (Generation other : releases().generations(account, version)) {
      if (!other.id().equals(exceptId)) {
        throw new ApiException(
            409,
            "generation " + version + " already exists as " + other.id(),
            Map.of("version", version, "id", other.id()));
      }
    }
  }

  private Generation find(Context ctx) {
    return find(releases(), Principal.of(ctx).accountId(), ctx.pathParam("ref"));
  }

  static Generation find(ReleaseStore releases, String account, String ref) {
    if (ref.startsWith("gen-")) {
      return releases
          .generation(account, ref)
          .orElseThrow(() -> ApiException.notFound("generation " + ref + " not found"));
    }
    String version = ref.startsWith("v") ? ref : "v" + ref;
    return releases.generations(account, version).stream()
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("generation " + ref + " not found"));
  }

  private ReleaseStore releases() {
    return store.releases();
  }
}
