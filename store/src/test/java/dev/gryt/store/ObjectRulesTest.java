package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceCodec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The object rules both stores keep, without a store. */
class ObjectRulesTest {
  private static JsonNode json(String text) {
    try {
      return ResourceCodec.json().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void idsAreTheirPrefixAnd48RandomBits() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String id = ObjectRules.newId("pipe-");
      assertThat(id).matches("pipe-[0-9a-f]{12}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1_000);
    assertThat(ObjectRules.newId("dlv-")).startsWith("dlv-");
  }

  @Test
  void theIdLabelIsAddedAndNoCallersLabelReplacesIt() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("team", "a");
    given.put(GrytResource.ID_LABEL, "pipe-forged");

    Map<String, String> labels = ObjectRules.labels(given, "pipe-0123456789ab");

    assertThat(labels)
        .containsExactly(
            Map.entry("team", "a"), Map.entry(GrytResource.ID_LABEL, "pipe-0123456789ab"));
    assertThat(given).containsEntry(GrytResource.ID_LABEL, "pipe-forged");
    assertThat(ObjectRules.labels(null, "job-1"))
        .containsExactly(Map.entry(GrytResource.ID_LABEL, "job-1"));
    Map<String, String> withNull = new HashMap<>();
    withNull.put("empty", null);
    assertThat(ObjectRules.labels(withNull, "job-1")).containsEntry("empty", null);
  }

  @Test
  void theGenerationMovesOnlyWhenTheSpecChanges() {
    JsonNode spec = json("{\"steps\":[{\"name\":\"build\",\"command\":\"make\"}]}");
    JsonNode same = json("{\"steps\":[{\"name\":\"build\",\"command\":\"make\"}]}");
    JsonNode other = json("{\"steps\":[{\"name\":\"build\",\"command\":\"make test\"}]}");

    assertThat(ObjectRules.specChanged(spec, same)).isFalse();
    assertThat(ObjectRules.specChanged(spec, other)).isTrue();
    assertThat(ObjectRules.specChanged(null, NullNode.getInstance())).isFalse();
    assertThat(ObjectRules.specChanged(null, spec)).isTrue();
    assertThat(ObjectRules.specChanged(spec, null)).isTrue();

    assertThat(ObjectRules.nextGeneration(3L, false)).isEqualTo(3L);
    assertThat(ObjectRules.nextGeneration(3L, true)).isEqualTo(4L);
    assertThat(ObjectRules.nextGeneration(null, true)).isEqualTo(1L);
    assertThat(ObjectRules.nextGeneration(null, false)).isNull();
  }

  @Test
  void anUpdateNeedsTheStoredVersion() {
    assertThatCode(() -> ObjectRules.requireVersion("Pipeline default/p", "7", "7"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ObjectRules.requireVersion("Pipeline default/p", "7", "6"))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "Pipeline default/p was modified: resourceVersion 6 given, 7 stored;"
                + " read it again and retry");
    assertThatThrownBy(() -> ObjectRules.requireVersion("Pipeline default/p", "7", null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("resourceVersion (none) given");
  }

  @Test
  void aDeliveryNeedsItsWebhookAndItsRunsJob() {
    JobRun run = new JobRun();
    run.setSpec(new JobRunSpec());
    run.getSpec().jobName = "build";
    assertThat(ObjectRules.jobOf(run)).isEqualTo("build");
    run.getSpec().jobName = " ";
    assertThatThrownBy(() -> ObjectRules.jobOf(run)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectRules.jobOf(new Pipeline()))
        .isInstanceOf(IllegalArgumentException.class);

    assertThatCode(() -> ObjectRules.requireJob("default", "hook", "build", true))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ObjectRules.requireJob("default", "hook", "build", false))
        .isInstanceOf(ConflictException.class)
        .hasMessage("webhook hook's job default/build does not exist");
    assertThatCode(() -> ObjectRules.requireWebhook("default", "hook", true))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ObjectRules.requireWebhook("default", "hook", false))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("webhook default/hook not found");
  }
}
