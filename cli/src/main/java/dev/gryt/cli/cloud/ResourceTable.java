package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows {@code gryt cloud get} prints: NAME, ID, READY, REASON, AGE; for runs NAME, ID, JOB,
 * PHASE, REASON, TRIGGER, EVENT, BRANCH, BY (who or what started it), AGE. REASON is the reason of
 * the Ready condition.
 */
public final class ResourceTable {
  private static final List<String> HEADER = List.of("NAME", "ID", "READY", "REASON", "AGE");
  private static final List<String> RUN_HEADER =
      List.of("NAME", "ID", "JOB", "PHASE", "REASON", "TRIGGER", "EVENT", "BRANCH", "BY", "AGE");

  private ResourceTable() {}

  /** Prints the resources (JSON as the server sends them) aligned in columns under a header. */
  public static void print(
      PrintWriter out, ResourceKind kind, List<JsonNode> resources, Instant now) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(header(kind));
    for (JsonNode resource : resources) {
      rows.add(row(kind, resource, now));
    }
    TextTable.fitting(rows).lines(rows).forEach(out::println);
  }

  static List<String> header(ResourceKind kind) {
    return kind == ResourceKind.JOB_RUN ? RUN_HEADER : HEADER;
  }

  static List<String> row(ResourceKind kind, JsonNode resource, Instant now) {
    String name = resource.path("metadata").path("name").asText("-");
    String age = age(resource.path("metadata").path("creationTimestamp").asText(null), now);
    if (kind == ResourceKind.JOB_RUN) {
      JsonNode spec = resource.path("spec");
      return List.of(
          name,
          id(resource),
          text(spec.path("job_name")),
          text(resource.path("status").path("phase")),
          readyReason(resource),
          text(spec.path("trigger")),
          text(spec.path("event")),
          text(spec.path("branch")),
          startedBy(spec.path("started_by")),
          age);
    }
    return List.of(name, id(resource), ready(resource), readyReason(resource), age);
  }

  /** Who or what started a run: {@code alice}, {@code alice/key_…}, {@code webhook/NAME}. */
  static String startedBy(JsonNode origin) {
    if (origin.path("webhook").isTextual()) {
      return "webhook/" + origin.path("webhook").asText();
    }
    if (origin.path("account").isTextual()) {
      String key = origin.path("api_key").asText("");
      return origin.path("account").asText() + (key.isEmpty() ? "" : "/" + key);
    }
    return "-";
  }

  static String id(JsonNode resource) {
    String id = resource.path("id").asText("");
    if (id.isEmpty()) {
      id = resource.path("metadata").path("labels").path(GrytResource.ID_LABEL).asText("");
    }
    return id.isEmpty() ? "-" : id;
  }

  /** The status of the Ready condition, or {@code -} when there is none yet. */
  static String ready(JsonNode resource) {
    return text(readyCondition(resource).path("status"));
  }

  /** The reason of the Ready condition, or {@code -} when there is none. */
  static String readyReason(JsonNode resource) {
    return text(readyCondition(resource).path("reason"));
  }

  private static JsonNode readyCondition(JsonNode resource) {
    for (JsonNode condition : resource.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return MissingNode.getInstance();
  }

  /** A text field, or {@code -} when it is missing or empty. */
  static String text(JsonNode value) {
    String text = value.isValueNode() ? value.asText("") : "";
    return text.isEmpty() ? "-" : text;
  }

  /** kubectl-style age: {@code 42s}, {@code 5m}, {@code 3h}, {@code 12d}; {@code -} if unknown. */
  static String age(String timestamp, Instant now) {
    if (timestamp == null || timestamp.isBlank()) {
      return "-";
    }
    Instant created;
    try {
      created = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return "-";
    }
    long seconds = Math.max(0, Duration.between(created, now).getSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 86400) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }
}
