package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.GrytResource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The table {@code gryt cloud get} prints: NAME, ID, READY, AGE. */
public final class ResourceTable {
  private static final List<String> HEADER = List.of("NAME", "ID", "READY", "AGE");
  private static final String GAP = "   ";

  private ResourceTable() {}

  /** Prints the resources (JSON as the server sends them) aligned in columns. */
  public static void print(PrintWriter out, List<JsonNode> resources, Instant now) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode resource : resources) {
      rows.add(
          List.of(
              resource.path("metadata").path("name").asText("-"),
              id(resource),
              ready(resource),
              age(resource.path("metadata").path("creationTimestamp").asText(null), now)));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - cell.length())).append(GAP);
        }
      }
      out.println(line);
    }
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
    for (JsonNode condition : resource.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition.path("status").asText("-");
      }
    }
    return "-";
  }

  /** kubectl-style age: {@code 42s}, {@code 5m}, {@code 3h}, {@code 12d}; {@code -} if unknown. */
  static String age(String creationTimestamp, Instant now) {
    if (creationTimestamp == null || creationTimestamp.isBlank()) {
      return "-";
    }
    Instant created;
    try {
      created = Instant.parse(creationTimestamp);
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
