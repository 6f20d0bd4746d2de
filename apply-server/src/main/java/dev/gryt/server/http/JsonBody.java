package dev.gryt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.ResourceCodec;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object request body, read field by field: every wrong field is collected, and {@link
 * #check(String)} then refuses the request listing all of them at once (422).
 */
public final class JsonBody {
  private final ObjectNode object;
  private final List<Map<String, Object>> problems = new ArrayList<>();

  private JsonBody(ObjectNode object) {
    this.object = object;
  }

  /**
   * Parses the request's body.
   *
   * @throws ApiException 415 for a content type other than JSON, 400 for a body that is not a JSON
   *     object
   */
  public static JsonBody of(Context ctx) {
    String type = ctx.contentType();
    if (type != null && !type.isBlank() && !type.toLowerCase().startsWith("application/json")) {
      throw new ApiException(415, "send the body as application/json, not " + type, null);
    }
    JsonNode tree;
    try {
      byte[] bytes = ctx.bodyAsBytes();
      tree = bytes.length == 0 ? null : ResourceCodec.json().readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("body is not valid JSON: " + parseError(e));
    }
    if (tree == null || tree.isMissingNode()) {
      tree = ResourceCodec.json().createObjectNode();
    }
    if (!(tree instanceof ObjectNode o)) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    return new JsonBody(o);
  }

  /**
   * What a JSON or YAML parser says is wrong, for a client: the first line of its message (the rest
   * quotes the input back).
   */
  public static String parseError(IOException e) {
    String message = e.getMessage();
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Whether the body has {@code field} (null or not). */
  public boolean has(String field) {
    return object.has(field);
  }

  /** A string field; records a problem when it is missing (and required) or not a string. */
  public String string(String field, boolean required) {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        problem(field, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      problem(field, "must be a string");
      return null;
    }
    return v.textValue();
  }

  /** A whole-number field; records a problem when it is not one. */
  public Integer integer(String field) {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      problem(field, "must be a whole number");
      return null;
    }
    return v.intValue();
  }

  /** A boolean field; records a problem when it is not one. */
  public Boolean bool(String field) {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      problem(field, "must be true or false");
      return null;
    }
    return v.booleanValue();
  }

  public void problem(String field, String message) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("path", field);
    p.put("message", message);
    problems.add(p);
  }

  /** Refuses the request (422) when any field was wrong. */
  public void check(String what) {
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(
          problems.size() + " problem(s) with the " + what, List.copyOf(problems));
    }
  }
}
