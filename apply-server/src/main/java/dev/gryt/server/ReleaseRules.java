package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.server.http.ApiException;
import dev.gryt.store.Generation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a generation or evolution sent to the API must look like, and when one may change. Pure:
 * each check of a body adds every problem it finds ({@code {path, message}}) so that one reply
 * lists them all; {@link #refuseIfPromoted} refuses at once.
 */
final class ReleaseRules {
  static final Pattern VERSION =
      Pattern.compile(
          "^v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");

  /**
   * Letters, digits and dashes: gryt's {@code AUTH-12} and the original client's {@code
   * CHANGE-3790A31F} alike.
   */
  static final Pattern CHANGE_ID = Pattern.compile("^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$");

  static final int MAX_CHANGE_ID = 64;

  /** A client's id of its own record: a database row number or a string of this shape. */
  static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

  static final Pattern CODE_NAME = Pattern.compile("^[a-z]+(-[a-z]+)+$");
  static final Set<String> CHANGE_FIELDS =
      Set.of("id", "type", "title", "description", "status", "pipeline", "pipelines");
  static final Set<String> CHANGE_TYPES = Set.of("fix", "refine", "add", "remove");
  static final Set<String> EVOLUTION_STATUSES = Set.of("in_progress", "pass", "fail");
  static final int MAX_TEXT = 10_000;

  static final Map<String, String> STATUS_WORDS =
      Map.ofEntries(
          Map.entry("in_progress", "in_progress"),
          Map.entry("pending", "in_progress"),
          Map.entry("running", "in_progress"),
          Map.entry("pass", "pass"),
          Map.entry("passed", "pass"),
          Map.entry("success", "pass"),
          Map.entry("succeeded", "pass"),
          Map.entry("completed", "pass"),
          Map.entry("fail", "fail"),
          Map.entry("failed", "fail"),
          Map.entry("failure", "fail"),
          Map.entry("error", "fail"));

  private final List<Map<String, Object>> problems = new ArrayList<>();

  /**
   * Refuses (409) to change a promoted generation, or its evolutions: a promotion is a release that
   * was proven, and what proved it must stay as it was.
   */
  static void refuseIfPromoted(Generation g) {
    if (g.promoted()) {
      throw ApiException.conflict("generation " + g.version() + " is promoted and immutable");
    }
  }

  List<Map<String, Object>> problems() {
    return problems;
  }

  void add(String path, String message) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("path", path);
    problem.put("message", message);
    problems.add(problem);
  }

  /** Throws 422 with every problem found so far, if any. */
  void throwIfAny(String what) {
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(
          what + ": " + problems.size() + " problem(s)", List.copyOf(problems));
    }
  }

  /** A semantic version with its leading {@code v}; adds a problem and returns null when not. */
  String version(JsonNode node, String path) {
    String text = text(node, path, true);
    if (text == null) {
      return null;
    }
    String version = text.startsWith("v") ? text : "v" + text;
    if (!VERSION.matcher(version).matches()) {
      add(path, "'" + text + "' is not a semantic version such as v1.2.3");
      return null;
    }
    return version;
  }

  /** An optional string field; null when absent. */
  String text(JsonNode node, String path, boolean required) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      if (required) {
        add(path, "required");
      }
      return null;
    }
    if (!node.isTextual()) {
      add(path, "must be a string");
      return null;
    }
    if (node.asText().length() > MAX_TEXT) {
      add(path, "longer than " + MAX_TEXT + " characters");
      return null;
    }
    if (required && node.asText().isBlank()) {
      add(path, "must not be empty");
      return null;
    }
    return node.asText();
  }

  /** Checks a {@code changes} array; returns the change ids seen. */
  Set<String> changes(JsonNode changes, String path) {
    Set<String> ids = new HashSet<>();
    if (changes == null || changes.isMissingNode() || changes.isNull()) {
      return ids;
    }
    if (!changes.isArray()) {
      add(path, "must be a list of {id, type, title, description, status, pipeline, pipelines}");
      return ids;
    }
    for (int i = 0; i < changes.size(); i++) {
      JsonNode change = changes.get(i);
      String at = path + "[" + i + "]";
      if (!change.isObject()) {
        add(at, "must be an object with id, type, title, description");
        continue;
      }
      fields(change, at, CHANGE_FIELDS);
      text(change.get("status"), at + ".status", false);
      text(change.get("pipeline"), at + ".pipeline", false);
      JsonNode pipelines = change.get("pipelines");
      if (pipelines != null && !pipelines.isNull()) {
        if (!pipelines.isArray()) {
          add(at + ".pipelines", "must be a list of pipeline names");
        } else {
          for (int p = 0; p < pipelines.size(); p++) {
            text(pipelines.get(p), at + ".pipelines[" + p + "]", true);
          }
        }
      }
      String id = text(change.get("id"), at + ".id", true);
      if (id != null) {
        if (id.length() > MAX_CHANGE_ID || !CHANGE_ID.matcher(id).matches()) {
          add(
              at + ".id",
              "'"
                  + shorten(id)
                  + "' must be letters, digits and single dashes such as AUTH-12 (at most "
                  + MAX_CHANGE_ID
                  + ")");
        } else if (!ids.add(id)) {
          add(at + ".id", "duplicate change id " + id);
        }
      }
      String type = text(change.get("type"), at + ".type", true);
      if (type != null && !CHANGE_TYPES.contains(type)) {
        add(at + ".type", "'" + type + "' is not one of fix, refine, add, remove");
      }
      text(change.get("title"), at + ".title", true);
      text(change.get("description"), at + ".description", false);
    }
    return ids;
  }

  /**
   * An evolution's status, one of {@link #EVOLUTION_STATUSES}, or a word the original client uses
   * for one of them ({@link #STATUS_WORDS}), stored as gryt's word.
   */
  String evolutionStatus(JsonNode node, String path) {
    String status = text(node, path, false);
    if (status == null) {
      return null;
    }
    String canonical = STATUS_WORDS.get(status.toLowerCase(java.util.Locale.ROOT));
    if (canonical == null) {
      add(
          path,
          "'"
              + shorten(status)
              + "' is not one of in_progress, pass, fail (or pending, running, passed, success,"
              + " completed, failed, failure, error)");
    }
    return canonical;
  }

  String codeName(JsonNode node, String path) {
    String name = text(node, path, true);
    if (name != null && !CODE_NAME.matcher(name).matches()) {
      add(path, "'" + name + "' must be lowercase words joined by dashes");
      return null;
    }
    return name;
  }

  /** Fields of {@code node} (at {@code at}) not in {@code allowed}. */
  void fields(JsonNode node, String at, Set<String> allowed) {
    unknownFields(node, at + ".", allowed);
  }

  /** A client's id: a string or a whole number, of {@link #CLIENT_ID}'s shape; null when absent. */
  String clientId(JsonNode node, String at, boolean required) {
    if (node == null || node.isNull()) {
      if (required) {
        add(at, "required");
      }
      return null;
    }
    if (!node.isTextual() && !node.canConvertToLong()) {
      add(at, "must be a string or a whole number");
      return null;
    }
    String id = node.asText();
    if (!CLIENT_ID.matcher(id).matches()) {
      add(at, "'" + shorten(id) + "' must be letters, digits and . _ : - (at most 128)");
      return null;
    }
    return id;
  }

  /** A value only a client's own database means: a string, a number, a boolean or null. */
  void scalar(JsonNode node, String at) {
    if (node != null && !node.isNull() && !node.isValueNode()) {
      add(at, "must be a string, a number or a boolean");
    } else if (node != null && node.isTextual() && node.asText().length() > 200) {
      add(at, "longer than 200 characters");
    }
  }

  void number(JsonNode node, String at) {
    if (node != null && !node.isNull() && !node.isNumber()) {
      add(at, "must be a number");
    }
  }

  /** JSON sent as text or as itself: a string, an object, a list or null. */
  void jsonText(JsonNode node, String at) {
    if (node != null && !node.isNull() && !node.isTextual() && !node.isContainerNode()) {
      add(at, "must be a JSON text, an object or a list");
    }
  }

  static String shorten(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }

  /** Fields of {@code body} not in {@code allowed}. */
  void onlyFields(JsonNode body, Set<String> allowed) {
    unknownFields(body, "", allowed);
  }

  private void unknownFields(JsonNode node, String prefix, Set<String> allowed) {
    node.fieldNames()
        .forEachRemaining(
            field -> {
              if (!allowed.contains(field)) {
                add(
                    prefix + field,
                    "unknown field (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList())
                        + ")");
              }
            });
  }
}
