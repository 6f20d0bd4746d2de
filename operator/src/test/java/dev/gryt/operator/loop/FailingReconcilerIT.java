package dev.gryt.operator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineReason;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.Conditions;
import dev.gryt.operator.Outcome;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reconciler that keeps throwing for one resource neither stalls the others nor gives up. */
class FailingReconcilerIT {
  @TempDir Path dir;

  @Test
  void oneFailingResourceDoesNotStallTheRestAndIsRetriedWithBackoff() {
    AtomicInteger attemptsOnBad = new AtomicInteger();
    List<Long> badAttemptNanos = new CopyOnWriteArrayList<>();
    try (ResourceStore store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"));
        ControlLoop loop =
            new ControlLoop(store, Clock.systemUTC(), 2, Duration.ofMinutes(5))
                .register(
                    ResourceKind.PIPELINE,
                    (Pipeline p, dev.gryt.operator.Lookup lookup, java.time.Instant now) -> {
                      if (p.getMetadata().getName().equals("bad")) {
                        badAttemptNanos.add(System.nanoTime());
                        if (attemptsOnBad.incrementAndGet() < 5) {
                          throw new IllegalStateException("transient failure");
                        }
                      }
                      PipelineStatus s = new PipelineStatus();
                      s.observedGeneration = p.getMetadata().getGeneration();
                      s.conditions =
                          Conditions.of(p, now)
                              .set(Condition.READY, true, PipelineReason.VALID, "ok")
                              .build();
                      return Outcome.of(s);
                    })) {
      loop.start();
      store.create(pipeline("bad"));
      for (int i = 0; i < 50; i++) {
        store.create(pipeline("good-" + i));
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(store.list(Pipeline.class, "default", java.util.Map.of()))
                      .filteredOn(p -> p.getMetadata().getName().startsWith("good-"))
                      .hasSize(50)
                      .allSatisfy(p -> assertThat(p.getStatus()).isNotNull()));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> store.get(Pipeline.class, "default", "bad").orElseThrow().getStatus() != null);
      // four failures, then success (and later reconciles of the now-written status)
      assertThat(attemptsOnBad.get()).isGreaterThanOrEqualTo(5);
      // The backoff, read from when the attempts happened: after the n-th failure in a row the
      // next attempt waits at least 50 ms * 2^(n-1) (the loop's base delay, doubling). A busy
      // machine can only make the gaps longer; 2 ms of slack for the queue's millisecond clock.
      List<Long> gapsMs = new java.util.ArrayList<>();
      for (int i = 1; i < 5; i++) {
        gapsMs.add((badAttemptNanos.get(i) - badAttemptNanos.get(i - 1)) / 1_000_000);
      }
      for (int n = 1; n <= 4; n++) {
        assertThat(gapsMs.get(n - 1))
            .as("wait after failure %d, of the gaps %s ms", n, gapsMs)
            .isGreaterThanOrEqualTo(50L * (1L << (n - 1)) - 2);
      }
    }
  }

  private static Pipeline pipeline(String name) {
    Pipeline p = new Pipeline();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "s";
    step.command = "make";
    spec.steps = List.of(step);
    p.setSpec(spec);
    return p;
  }
}
