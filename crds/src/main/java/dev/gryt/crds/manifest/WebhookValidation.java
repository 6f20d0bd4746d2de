package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Webhook rules beyond the schema: events come from the set the ingress understands. */
final class WebhookValidation implements SpecRules {
  /** Events a webhook can be filtered on. */
  static final List<String> EVENTS = List.of("push", "pull_request", "manual");

  @Override
  public void check(JsonNode spec, DocumentProblems problems) {
    JsonNode events = spec.get("events");
    if (events == null || !events.isArray()) {
      return;
    }
    for (int index = 0; index < events.size(); index++) {
      JsonNode item = events.get(index);
      String event = item.asText();
      if (item.isTextual() && !EVENTS.contains(event)) {
        String hint =
            FieldNames.nearest(event, EVENTS).map(e -> "did you mean \"" + e + "\"? ").orElse("");
        problems.add(
            FieldNames.item("spec.events", index),
            "unknown event \""
                + SchemaWalker.shorten(event)
                + "\"; "
                + hint
                + "valid events: "
                + String.join(", ", EVENTS));
      }
    }
  }
}
