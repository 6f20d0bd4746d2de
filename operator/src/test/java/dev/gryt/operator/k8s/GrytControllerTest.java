package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.Condition;
import dev.gryt.crds.Job;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.operator.Outcome;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the JOSDK adapter asks JOSDK to do with a decision, without any server. */
class GrytControllerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void patchesTheStatusWhenTheDecisionChangesIt() {
    Pipeline pipeline = pipeline();
    UpdateControl<Pipeline> control = new PipelineController(CLOCK).reconcile(pipeline, null);
    assertThat(control.isPatchStatus()).isTrue();
    PipelineStatus written = control.getResource().orElseThrow().getStatus();
    assertThat(written.observedGeneration).isEqualTo(3L);
    assertThat(written.condition(Condition.READY).orElseThrow().status).isEqualTo("True");
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void writesNothingWhenTheStatusIsAlreadyWhatTheDecisionSays() {
    PipelineController controller = new PipelineController(CLOCK);
    Pipeline pipeline = pipeline();
    pipeline.setStatus(
        controller.reconcile(pipeline(), null).getResource().orElseThrow().getStatus());
    UpdateControl<Pipeline> again =
        new PipelineController(Clock.offset(CLOCK, Duration.ofHours(1))).reconcile(pipeline, null);
    assertThat(again.isNoUpdate()).isTrue();
  }

  @Test
  void aRequeueBecomesAReschedule() {
    PipelineStatus status = new PipelineStatus();
    GrytController<Pipeline, PipelineStatus> controller =
        new GrytController<>(
            (pipeline, lookup, now) -> new Outcome<>(status, Duration.ofSeconds(90)), CLOCK) {};
    UpdateControl<Pipeline> control = controller.reconcile(pipeline(), null);
    assertThat(control.getScheduleDelay()).contains(90_000L);
  }

  @Test
  void readingAKindTheControllerDoesNotFollowFailsLoudly() {
    // Such a read would see an empty cache and never be woken by that kind's changes.
    GrytController<Pipeline, PipelineStatus> controller =
        new GrytController<>(
            (pipeline, lookup, now) -> {
              lookup.get(Job.class, "default", "my-app-ci");
              return Outcome.of(new PipelineStatus());
            },
            CLOCK) {};
    assertThatThrownBy(() -> controller.reconcile(pipeline(), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reads Job but declares no Reference to it");
  }

  private static Pipeline pipeline() {
    Pipeline p = new Pipeline();
    p.setMetadata(
        new ObjectMetaBuilder().withName("p").withNamespace("default").withGeneration(3L).build());
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "test";
    step.command = "make test";
    spec.steps = List.of(step);
    p.setSpec(spec);
    return p;
  }
}
