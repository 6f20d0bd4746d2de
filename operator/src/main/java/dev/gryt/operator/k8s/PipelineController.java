package dev.gryt.operator.k8s;

import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.operator.PipelineReconciler;
import java.time.Clock;

/** Pipelines under JOSDK: the decision reads nothing but the Pipeline itself. */
final class PipelineController extends GrytController<Pipeline, PipelineStatus> {
  PipelineController(Clock clock) {
    super(new PipelineReconciler(), clock);
  }
}
