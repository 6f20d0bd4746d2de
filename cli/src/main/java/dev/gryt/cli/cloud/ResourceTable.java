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
 * PHASE, REASON, AGE. REASON is the reason of the Ready condition.
 */
public final class ResourceTable {
  private static final List<String> HEADER = List.of("NAME", "ID", "READY", "REASON", "AGE");
  private static final List<String> RUN_HEADER =
      List.of("NAME", "ID", "JOB", "PHASE", "REASON", "AGE");

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
      return List.of(
          name,
          id(resource),
          text(resource.path("spec").path("job_name")),
          text(resource.path("status").path("phase")),
          readyReason(resource),
          age);
    }
    return List.of(name, id(resource), ready(resource), readyReason(resource), age);
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
