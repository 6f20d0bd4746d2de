package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.JsonBody;
import dev.gryt.store.Evolution;
import dev.gryt.store.Generation;
import io.javalin.http.Context;
import java.io.IOException;

/** Request bodies in, generations and evolutions out, in the API's snake_case JSON. */
final class ReleaseJson {
  private ReleaseJson() {}

  /** The request body as a JSON object; 400 when it is anything else. */
  static JsonNode body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiException.badRequest("the request needs a JSON object body");
    }
    JsonNode body;
    try {
      body = ResourceCodec.json().readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + JsonBody.parseError(e));
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    return body;
  }

  static ArrayNode changes(Generation g) {
    try {
      JsonNode changes = ResourceCodec.json().readTree(g.changesJson());
      return changes instanceof ArrayNode array ? array : ResourceCodec.json().createArrayNode();
    } catch (IOException e) {
      return ResourceCodec.json().createArrayNode();
    }
  }

  static String changesJson(JsonNode changes) {
    if (changes == null || changes.isMissingNode() || changes.isNull()) {
      return "[]";
    }
    return new String(ResourceCodec.toJsonBytes(changes), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    try {
      return ResourceCodec.json().readTree(text);
    } catch (IOException e) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }
  }

  static ObjectNode view(Generation g) {
    ObjectNode node = ResourceCodec.json().createObjectNode();
    node.put("id", g.id());
    node.put("version", g.version());
    node.put("description", g.description());
    node.set("changes", changes(g));
    node.put("status", g.status());
    node.put("promoted_by", g.promotedBy());
    node.put("promoted_at", g.promotedAt());
    node.put("created_at", g.createdAt());
    node.put("updated_at", g.updatedAt());
    node.put("client_id", g.clientId());
    node.set("pipeline_template", json(g.pipelineTemplate()));
    return node;
  }

  static ObjectNode view(Evolution e) {
    ObjectNode node = ResourceCodec.json().createObjectNode();
    node.put("id", e.id());
    node.put("generation_id", e.generationId());
    node.put("change_id", e.changeId());
    node.put("code_name", e.codeName());
    node.put("status", e.status());
    node.put("pipeline", e.pipeline());
    node.put("started_at", e.startedAt());
    node.put("completed_at", e.completedAt());
    node.put("created_at", e.createdAt());
    node.put("updated_at", e.updatedAt());
    node.put("client_id", e.clientId());
    node.put("tag", e.tag());
    node.put("pipeline_run_id", e.pipelineRunId());
    node.put("created_by", e.createdBy());
    return node;
  }
}
