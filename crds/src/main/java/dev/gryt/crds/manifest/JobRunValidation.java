package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.JobRunFactory;
import java.util.List;

/** JobRun rules beyond the schema: the trigger is one the controller knows how to account for. */
final class JobRunValidation implements SpecRules {
  static final List<String> TRIGGERS =
      List.of(JobRunFactory.WEBHOOK, JobRunFactory.MANUAL, JobRunFactory.RETRY);

  @Override
  public void check(JsonNode spec, DocumentProblems problems) {
    JsonNode trigger = spec.get("trigger");
    if (trigger != null && !TRIGGERS.contains(trigger.asText())) {
      problems.add(
          "spec.trigger",
          "unknown trigger \""
              + SchemaWalker.shorten(trigger.asText())
              + "\"; valid triggers: "
              + String.join(", ", TRIGGERS));
    }
  }
}
