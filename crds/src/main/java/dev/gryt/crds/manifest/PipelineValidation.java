package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Pipeline rules beyond the schema: step names are unique, because runs report and retry steps by
 * name. (Required steps, names and commands, and the number limits come from the schema.)
 */
final class PipelineValidation implements SpecRules {
  @Override
  public void check(JsonNode spec, DocumentProblems problems) {
    JsonNode steps = spec.get("steps");
    if (steps == null || !steps.isArray()) {
      return;
    }
    Map<String, Integer> firstLineByName = new HashMap<>();
    for (int index = 0; index < steps.size(); index++) {
      JsonNode name = steps.get(index).path("name");
      if (!name.isTextual()) {
        continue;
      }
      String namePath = FieldNames.child(FieldNames.item("spec.steps", index), "name");
      int line = problems.lineOf(namePath);
      Integer first = firstLineByName.putIfAbsent(name.asText(), line);
      if (first != null) {
        problems.add(
            namePath,
            line,
            "duplicate step name \"" + name.asText() + "\" (first at line " + first + ")");
      }
    }
  }
}
