package dev.gryt.server.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.store.ConflictException;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply that loses a race to another writer, over a real SQLite store ({@link
 * ApplyEnginePostgresIT}: PostgreSQL). The other writer strikes between the engine's plan and its
 * commit: the engine's quota hook runs exactly there, so the test writes from it.
 */
class ApplyEngineIT {
  private static final ApplyOptions PLAIN = new ApplyOptions(false, false, null);

  @TempDir Path dir;
  ResourceStore store;

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void open() {
    store = StoreFactory.open(storeUrl());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aPlanThatLostARaceIsPlannedAgainAgainstTheWinnersVersion() {
    store.create(pipeline("p", "make"));
    RacingWriter other = new RacingWriter(1, n -> setCommand("p", "make lint"));

    List<ApplyResult> results =
        new ApplyEngine(store, other).apply(List.of(pipeline("p", "make test")), PLAIN);

    assertThat(other.plans).as("planned twice: once before the race, once after").isEqualTo(2);
    ApplyResult result = results.get(0);
    assertThat(result.action()).isEqualTo(ApplyAction.CONFIGURED);
    assertThat(result.diff()).hasSize(1);
    assertThat(result.diff().get(0).path()).isEqualTo("spec.steps[0].command");
    assertThat(result.diff().get(0).old().asText())
        .as("the diff is against what the other writer stored")
        .isEqualTo("make lint");
    assertThat(result.diff().get(0).updated().asText()).isEqualTo("make test");
    Pipeline stored = store.get(Pipeline.class, "default", "p").orElseThrow();
    assertThat(stored.getSpec().steps.get(0).command).isEqualTo("make test");
    assertThat(stored.getMetadata().getGeneration()).as("created, raced, applied").isEqualTo(3L);
  }

  @Test
  void aCreateThatLostTheNameToAnotherWriterBecomesUnchangedWithItsId() {
    RacingWriter other = new RacingWriter(1, n -> store.create(pipeline("p", "make")));

    List<ApplyResult> results =
        new ApplyEngine(store, other).apply(List.of(pipeline("p", "make")), PLAIN);

    Pipeline winner = store.get(Pipeline.class, "default", "p").orElseThrow();
    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action()).isEqualTo(ApplyAction.UNCHANGED);
              assertThat(r.id()).isEqualTo(winner.id());
            });
    assertThat(winner.getMetadata().getGeneration())
        .as("written once, by the winner")
        .isEqualTo(1L);
  }

  @Test
  void aWriterThatKeepsWinningFailsTheApplyAndKeepsItsOwnChange() {
    store.create(pipeline("p", "make"));
    RacingWriter other = new RacingWriter(Integer.MAX_VALUE, n -> setCommand("p", "make v" + n));

    assertThatThrownBy(
            () -> new ApplyEngine(store, other).apply(List.of(pipeline("p", "make test")), PLAIN))
        .isInstanceOf(ConflictException.class);

    assertThat(other.plans).as("a bounded number of attempts").isBetween(2, 10);
    Pipeline stored = store.get(Pipeline.class, "default", "p").orElseThrow();
    assertThat(stored.getSpec().steps.get(0).command)
        .as("never written over the other writer's change")
        .isEqualTo("make v" + other.plans);
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L + other.plans);
  }

  /**
   * Called by the engine after each plan that would write, before its commit: the first {@code
   * races} times it changes the store behind the engine's back.
   */
  private static final class RacingWriter implements IntConsumer {
    private final int races;
    private final IntConsumer write;
    int plans;

    RacingWriter(int races, IntConsumer write) {
      this.races = races;
      this.write = write;
    }

    @Override
    public void accept(int added) {
      plans++;
      if (plans <= races) {
        write.accept(plans);
      }
    }
  }

  private void setCommand(String name, String command) {
    Pipeline p = ResourceCodec.copy(store.get(Pipeline.class, "default", name).orElseThrow());
    p.getSpec().steps.get(0).command = command;
    store.update(p);
  }

  private static Pipeline pipeline(String name, String command) {
    Pipeline p = new Pipeline();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "build";
    step.command = command;
    spec.steps = new ArrayList<>(List.of(step));
    p.setSpec(spec);
    return p;
  }
}
