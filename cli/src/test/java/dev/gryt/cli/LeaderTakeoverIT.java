package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.Pipeline;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: the leading {@code gryt server} of two on one PostgreSQL database dies by SIGKILL (no
 * graceful close: its leader lock goes only because PostgreSQL sees its session end). The standby
 * must take over and reconcile both what was applied while the leader could no longer work and what
 * is applied after it died.
 *
 * <p>The leader is frozen (SIGSTOP) before the first batch is applied, so at the kill that batch is
 * certainly unreconciled: nothing here depends on when the kill lands.
 */
class LeaderTakeoverIT {
  @TempDir Path dir;

  @Test
  void theStandbyTakesOverFromAKilledLeaderAndReconcilesWhatItLeftUndone() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.postgres()) {
      Path home = dir.resolve("home");
      try (ServerProcess leader = ServerProcess.start(home, db.url(), "--agents", "0")) {
        await().atMost(Duration.ofSeconds(30)).until(leader::leads);
        try (ServerProcess standby = ServerProcess.start(home, db.url(), "--agents", "0")) {
          assertThat(standby.leads()).as("the lock is held: the second server stands by").isFalse();

          leader.freeze();
          apply(standby, "before", 20);
          assertThat(readyCount(db.url(), "before")).as("frozen: nobody reconciles").isZero();
          leader.kill();
          apply(standby, "after", 20);

          await().atMost(Duration.ofSeconds(60)).until(standby::leads);
          await()
              .atMost(Duration.ofSeconds(90))
              .untilAsserted(
                  () -> {
                    assertThat(readyCount(db.url(), "before")).isEqualTo(40);
                    assertThat(readyCount(db.url(), "after")).isEqualTo(40);
                  });
          for (GrytResource<?, ?> r : resources(db.url(), null)) {
            assertThat(r.getStatus().observedGeneration)
                .as(r.getMetadata().getName())
                .isEqualTo(r.getMetadata().getGeneration());
          }
        }
      }
    }
  }

  /**
   * Applies {@code count} Pipelines and their Jobs named {@code prefix-N} through {@code server}.
   */
  private static void apply(ServerProcess server, String prefix, int count) throws Exception {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      yaml.append(
          """
          ---
          apiVersion: gryt.io/v1
          kind: Pipeline
          metadata: {name: %1$s-p-%2$d}
          spec:
            steps: [{name: build, command: make}]
          ---
          apiVersion: gryt.io/v1
          kind: Job
          metadata: {name: %1$s-j-%2$d}
          spec: {pipeline_name: %1$s-p-%2$d}
          """
              .formatted(prefix, i));
    }
    String reply = server.post("/api/v1/apply", "application/yaml", yaml.toString());
    assertThat(reply).contains("\"status\":\"success\"");
  }

  /** Reads the database directly, not through either server. */
  private static List<GrytResource<?, ?>> resources(String db, String prefix) {
    List<GrytResource<?, ?>> all = new ArrayList<>();
    try (ResourceStore store = StoreFactory.open(db)) {
      all.addAll(store.list(Pipeline.class, null, Map.of()));
      all.addAll(store.list(Job.class, null, Map.of()));
    }
    all.removeIf(r -> prefix != null && !r.getMetadata().getName().startsWith(prefix + "-"));
    return all;
  }

  private static long readyCount(String db, String prefix) {
    return resources(db, prefix).stream()
        .filter(
            r ->
                r.getStatus() != null
                    && r.getStatus()
                        .condition(Condition.READY)
                        .map(c -> "True".equals(c.status))
                        .orElse(false))
        .count();
  }
}
