package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ImageReferences;
import java.util.HashMap;
import java.util.Map;

/**
 * Pipeline rules beyond the schema: step names are unique, because runs report and retry steps by
 * name; images name no transport ({@code oci:...}, {@code containers-storage:...}). (Required
 * steps, names and commands, the number limits, the image grammar and length come from the schema.)
 */
final class PipelineValidation implements SpecRules {
  @Override
  public void check(JsonNode spec, DocumentProblems problems) {
    checkImage(spec.get("image"), "spec.image", problems);
    JsonNode steps = spec.get("steps");
    if (steps == null || !steps.isArray()) {
      return;
    }
    for (int index = 0; index < steps.size(); index++) {
      checkImage(
          steps.get(index).get("image"),
          FieldNames.child(FieldNames.item("spec.steps", index), "image"),
          problems);
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

  private static void checkImage(JsonNode image, String path, DocumentProblems problems) {
    if (image == null || !image.isTextual()) {
      return;
    }
    ImageReferences.transportProblem(image.asText())
        .ifPresent(message -> problems.add(path, message));
  }
}
