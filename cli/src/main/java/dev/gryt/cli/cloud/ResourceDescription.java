package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The text {@code gryt cloud describe} prints for one resource (JSON as the server sends it):
 * identity, generations, the spec as YAML, for runs the phase and steps, and the conditions.
 */
final class ResourceDescription {
  private static final String INDENT = "  ";

  private ResourceDescription() {}

  static List<String> lines(ResourceKind kind, JsonNode resource, Instant now) {
    JsonNode metadata = resource.path("metadata");
    JsonNode status = resource.path("status");
    List<String> lines = new ArrayList<>();
    List<List<String>> fields = new ArrayList<>();
    fields.add(List.of("Name:", ResourceTable.text(metadata.path("name"))));
    fields.add(List.of("Kind:", kind.kind()));
    fields.add(List.of("Namespace:", ResourceTable.text(metadata.path("namespace"))));
    fields.add(List.of("ID:", ResourceTable.id(resource)));
    fields.add(List.of("Generation:", ResourceTable.text(metadata.path("generation"))));
    fields.add(
        List.of("Observed generation:", ResourceTable.text(status.path("observedGeneration"))));
    fields.add(List.of("Created:", timestamp(metadata.path("creationTimestamp"), now)));
    if (kind == ResourceKind.JOB_RUN) {
      fields.add(List.of("Phase:", ResourceTable.text(status.path("phase"))));
      fields.add(List.of("Started:", timestamp(status.path("started_at"), now)));
      fields.add(List.of("Finished:", timestamp(status.path("finished_at"), now)));
    }
    lines.addAll(TextTable.fitting(fields).lines(fields));

    lines.add("Spec:");
    JsonNode spec = resource.path("spec");
    if (spec.isObject() && !spec.isEmpty()) {
      ResourceCodec.toYaml(spec)
          .lines()
          .filter(l -> !l.equals("---"))
          .forEach(l -> lines.add(INDENT + l));
    } else {
      lines.add(INDENT + "<none>");
    }

    if (kind == ResourceKind.JOB_RUN) {
      lines.add("Steps:");
      List<List<String>> steps = new ArrayList<>();
      steps.add(List.of("NAME", "STATE", "EXIT", "STARTED", "FINISHED"));
      for (JsonNode step : status.path("steps")) {
        steps.add(
            List.of(
                ResourceTable.text(step.path("name")),
                ResourceTable.text(step.path("state")),
                ResourceTable.text(step.path("exit_code")),
                ResourceTable.text(step.path("started_at")),
                ResourceTable.text(step.path("finished_at"))));
      }
      indentedTable(lines, steps);
    }

    lines.add("Conditions:");
    List<List<String>> conditions = new ArrayList<>();
    conditions.add(List.of("TYPE", "STATUS", "REASON", "AGE", "MESSAGE"));
    for (JsonNode condition : status.path("conditions")) {
      conditions.add(
          List.of(
              ResourceTable.text(condition.path("type")),
              ResourceTable.text(condition.path("status")),
              ResourceTable.text(condition.path("reason")),
              ResourceTable.age(condition.path("lastTransitionTime").asText(null), now),
              ResourceTable.text(condition.path("message"))));
    }
    indentedTable(lines, conditions);
    return lines;
  }

  /** The {@code Events:} section: newest first, as kubectl describe prints them oldest last. */
  static List<String> events(JsonNode events, Instant now) {
    List<String> lines = new ArrayList<>();
    lines.add("Events:");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("AGE", "REASON", "VERSION", "MESSAGE"));
    for (JsonNode e : events.path("items")) {
      rows.add(
          List.of(
              ResourceTable.age(e.path("time").asText(null), now),
              ResourceTable.text(e.path("reason")),
              ResourceTable.text(e.path("resource_version")),
              ResourceTable.text(e.path("message"))));
    }
    indentedTable(lines, rows);
    return lines;
  }

  /** The rows under their header, or {@code <none>} when there are no rows. */
  private static void indentedTable(List<String> lines, List<List<String>> rows) {
    if (rows.size() == 1) {
      lines.add(INDENT + "<none>");
      return;
    }
    TextTable.fitting(rows).lines(rows).forEach(l -> lines.add(INDENT + l));
  }

  /** {@code 2026-01-01T11:55:00Z (5m ago)}, or {@code -}. */
  private static String timestamp(JsonNode value, Instant now) {
    String text = ResourceTable.text(value);
    String age = ResourceTable.age(value.asText(null), now);
    return age.equals("-") ? text : text + " (" + age + " ago)";
  }
}
