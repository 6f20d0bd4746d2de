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
  static final Pattern CHANGE_ID = Pattern.compile("^[A-Z]+-[0-9]+$");
  static final Pattern CODE_NAME = Pattern.compile("^[a-z]+(-[a-z]+)+$");
  static final Set<String> CHANGE_TYPES = Set.of("fix", "refine", "add", "remove");
  static final Set<String> EVOLUTION_STATUSES = Set.of("in_progress", "pass", "fail");
  static final int MAX_TEXT = 10_000;

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
      add(path, "must be a list of {id, type, title, description}");
      return ids;
    }
    for (int i = 0; i < changes.size(); i++) {
      JsonNode change = changes.get(i);
      String at = path + "[" + i + "]";
      if (!change.isObject()) {
        add(at, "must be an object with id, type, title, description");
        continue;
      }
      change
          .fieldNames()
          .forEachRemaining(
              field -> {
                if (!Set.of("id", "type", "title", "description").contains(field)) {
                  add(at + "." + field, "unknown field (allowed: id, type, title, description)");
                }
              });
      String id = text(change.get("id"), at + ".id", true);
      if (id != null) {
        if (!CHANGE_ID.matcher(id).matches()) {
          add(at + ".id", "'" + id + "' must look like ABC-123 (" + CHANGE_ID.pattern() + ")");
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

  String evolutionStatus(JsonNode node, String path) {
    String status = text(node, path, false);
    if (status != null && !EVOLUTION_STATUSES.contains(status)) {
      add(path, "'" + status + "' is not one of in_progress, pass, fail");
      return null;
    }
    return status;
  }

  String codeName(JsonNode node, String path) {
    String name = text(node, path, true);
    if (name != null && !CODE_NAME.matcher(name).matches()) {
      add(path, "'" + name + "' must be lowercase words joined by dashes");
      return null;
    }
    return name;
  }

  /** Fields of {@code body} not in {@code allowed}. */
  void onlyFields(JsonNode body, Set<String> allowed) {
    body.fieldNames()
        .forEachRemaining(
            field -> {
              if (!allowed.contains(field)) {
                add(
                    field,
                    "unknown field (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList())
                        + ")");
              }
            });
  }
}
