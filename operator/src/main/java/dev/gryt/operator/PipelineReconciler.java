package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.ImageReferences;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineReason;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.PipelineStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Pipeline is Ready when its steps are runnable: named once each, with a command and a sane
 * image.
 */
public final class PipelineReconciler implements Reconciler<Pipeline, PipelineStatus> {
  @Override
  public Outcome<PipelineStatus> reconcile(Pipeline pipeline, Lookup lookup, Instant now) {
    List<String> problems = problems(pipeline.getSpec());
    PipelineStatus status = new PipelineStatus();
    status.observedGeneration = pipeline.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(pipeline, now);
    if (problems.isEmpty()) {
      conditions.set(Condition.READY, true, PipelineReason.VALID, "steps are valid");
    } else {
      conditions.set(
          Condition.READY, false, PipelineReason.INVALID_SPEC, String.join("; ", problems));
    }
    status.conditions = conditions.build();
    return Outcome.of(status);
  }

  static List<String> problems(PipelineSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null || spec.steps == null || spec.steps.isEmpty()) {
      problems.add("spec.steps: at least one step is required");
      return problems;
    }
    checkImage("spec.image", spec.image, problems);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.steps.size(); i++) {
      PipelineSpec.Step step = spec.steps.get(i);
      String at = "spec.steps[" + i + "]";
      if (step.name == null || step.name.isBlank()) {
        problems.add(at + ".name: required");
      } else if (!names.add(step.name)) {
        problems.add(at + ".name: duplicate step name " + step.name);
      }
      if (step.command == null || step.command.isBlank()) {
        problems.add(at + ".command: required");
      }
      checkImage(at + ".image", step.image, problems);
    }
    return problems;
  }

  private static void checkImage(String path, String image, List<String> problems) {
    if (image != null) {
      ImageReferences.problem(image).ifPresent(problem -> problems.add(path + ": " + problem));
    }
  }
}
