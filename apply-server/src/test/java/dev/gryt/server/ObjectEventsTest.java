package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Condition;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.store.WatchEvent;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectEventsTest {
  @Test
  void createdSpecChangesAndConditionMovesBecomeEventsNewestFirst() {
    Pipeline v1 = pipeline(1, null);
    Pipeline v2 = pipeline(1, ready("False", "InvalidStep", "step 1 has no command", "t1"));
    Pipeline v3 = pipeline(1, ready("False", "InvalidStep", "step 1 has no command", "t1"));
    Pipeline v4 = pipeline(2, ready("False", "InvalidStep", "still", "t1"));
    Pipeline v5 = pipeline(2, ready("True", "Valid", null, "t2"));
    List<WatchEvent> newestFirst =
        List.of(
            new WatchEvent(6, WatchEvent.Type.DELETED, v5),
            new WatchEvent(5, WatchEvent.Type.MODIFIED, v5),
            new WatchEvent(4, WatchEvent.Type.MODIFIED, v4),
            new WatchEvent(3, WatchEvent.Type.MODIFIED, v3),
            new WatchEvent(2, WatchEvent.Type.MODIFIED, v2),
            new WatchEvent(1, WatchEvent.Type.ADDED, v1));

    List<Map<String, Object>> events = ObjectEvents.of(newestFirst);

    assertThat(events)
        .extracting(e -> e.get("reason") + "@" + e.get("resource_version"))
        .containsExactly("Deleted@6", "Valid@5", "SpecChanged@4", "InvalidStep@2", "Created@1");
    assertThat(events.get(1).get("message")).isEqualTo("Ready=True");
    assertThat(events.get(1).get("time")).isEqualTo("t2");
    assertThat(events.get(3).get("message")).isEqualTo("Ready=False: step 1 has no command");
    assertThat(events.get(2).get("message")).isEqualTo("generation 1 → 2");
    assertThat(ObjectEvents.of(List.of())).isEmpty();
  }

  private static Pipeline pipeline(long generation, Condition ready) {
    Pipeline p = new Pipeline();
    p.setMetadata(
        new ObjectMetaBuilder()
            .withName("p")
            .withNamespace("default")
            .withGeneration(generation)
            .withCreationTimestamp("t0")
            .build());
    if (ready != null) {
      PipelineStatus status = new PipelineStatus();
      status.conditions = new ArrayList<>(List.of(ready));
      p.setStatus(status);
    }
    return ResourceCodec.copy(p);
  }

  private static Condition ready(String status, String reason, String message, String time) {
    Condition c = new Condition("Ready", status, reason, message);
    c.lastTransitionTime = time;
    return c;
  }
}
