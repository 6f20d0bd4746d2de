package dev.gryt.server.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.manifest.Manifest;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.JsonBody;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /api/v1/apply}: a {@code {"yaml_content": "..."}} JSON body (what existing gryt
 * clients send) or a raw YAML body; {@code ?dryRun=true}, {@code ?prune=true&applyset=NAME}.
 */
public final class ApplyHandler {
  static final String SOURCE = "<request>";

  private final Function<Context, ApplyEngine> engines;

  /**
   * @param engines the engine for a request's caller: it plans and commits through the caller's
   *     view of the store (names resolve in its namespaces) and checks the caller's object quota.
   *     The server's wiring builds it, so that this package needs none of the tenancy classes.
   */
  public ApplyHandler(Function<Context, ApplyEngine> engines) {
    this.engines = engines;
  }

  public void apply(Context ctx) {
    ApplyOptions options = options(ctx);
    byte[] yaml = yamlOf(ctx);
    ParseResult parsed = ManifestParser.parse(SOURCE, yaml);
    if (!parsed.ok()) {
      throw ApiException.unprocessable(
          parsed.problems().size() + " problem(s) in the manifests; nothing was applied",
          parsed.problems());
    }
    List<GrytResource<?, ?>> desired =
        parsed.manifests().stream().<GrytResource<?, ?>>map(Manifest::resource).toList();
    List<ApplyResult> results = engines.apply(ctx).apply(desired, options);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dry_run", options.dryRun());
    data.put("results", results);
    Envelope.reply(ctx, 200, Envelope.success(summary(results, options), data));
  }

  private static ApplyOptions options(Context ctx) {
    boolean dryRun = flag(ctx, "dryRun") || flag(ctx, "dry_run");
    boolean prune = flag(ctx, "prune");
    String applySet = ctx.queryParam("applyset");
    if (applySet != null && applySet.isBlank()) {
      applySet = null;
    }
    if (prune && applySet == null) {
      throw ApiException.badRequest(
          "prune=true needs applyset=NAME: only members of a set are pruned");
    }
    if (applySet != null && !applySet.matches("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?")) {
      throw ApiException.badRequest(
          "applyset must be a DNS-1123 name (lowercase letters, digits, '-', '.'): " + applySet);
    }
    return new ApplyOptions(dryRun, prune, applySet);
  }

  private static boolean flag(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return false;
    }
    return switch (v) {
      case "true", "1", "" -> true;
      case "false", "0" -> false;
      default -> throw ApiException.badRequest(name + " must be true or false, not " + v);
    };
  }

  private static byte[] yamlOf(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    String type = ctx.contentType() == null ? "" : ctx.contentType();
    if (type.startsWith("application/json") || startsWithBrace(body)) {
      JsonNode json;
      try {
        json = ResourceCodec.json().readTree(body);
      } catch (IOException e) {
        throw ApiException.badRequest("body is not valid JSON: " + JsonBody.parseError(e));
      }
      JsonNode content = json == null ? null : json.get("yaml_content");
      if (content == null || !content.isTextual()) {
        throw ApiException.badRequest(
            "JSON body needs a string field yaml_content (or send the YAML itself as the body)");
      }
      return content.textValue().getBytes(StandardCharsets.UTF_8);
    }
    return body;
  }

  private static boolean startsWithBrace(byte[] body) {
    for (byte b : body) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{';
    }
    return false;
  }

  private static String summary(List<ApplyResult> results, ApplyOptions options) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    results.forEach(r -> counts.merge(r.action().wire(), 1, Integer::sum));
    StringBuilder sb = new StringBuilder(options.dryRun() ? "dry run: " : "applied: ");
    if (counts.isEmpty()) {
      sb.append("nothing");
    }
    counts.forEach((k, v) -> sb.append(v).append(' ').append(k).append(", "));
    if (!counts.isEmpty()) {
      sb.setLength(sb.length() - 2);
    }
    return sb.toString();
  }
}
