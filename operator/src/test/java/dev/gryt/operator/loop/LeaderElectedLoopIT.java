package dev.gryt.operator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two would-be leaders on one PostgreSQL database: one leads, the other takes over when it goes.
 */
class LeaderElectedLoopIT {
  @Test
  void exactlyOneLeadsAndTheStandbyTakesOver() {
    try (TestDatabases.TestDatabase db = TestDatabases.postgres();
        ResourceStore a = StoreFactory.open(db.url());
        ResourceStore b = StoreFactory.open(db.url())) {
      LeaderElectedLoop first = elect(a).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> first.current() != null);
      LeaderElectedLoop second = elect(b).start();
      try {
        await()
            .during(Duration.ofMillis(600))
            .atMost(Duration.ofSeconds(2))
            .until(() -> second.current() == null);

        first.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> second.current() != null);
      } finally {
        second.close();
      }
      assertThat(second.current()).isNull();
    }
  }

  private static LeaderElectedLoop elect(ResourceStore store) {
    return new LeaderElectedLoop(
        store.leaderLock("controller"),
        () -> StandaloneOperator.create(store, Clock.systemUTC()),
        Duration.ofMillis(100));
  }
}
