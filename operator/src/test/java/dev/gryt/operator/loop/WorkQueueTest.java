package dev.gryt.operator.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WorkQueueTest {
  final WorkQueue<String> queue =
      new WorkQueue<>(Clock.systemUTC(), Duration.ofMillis(10), Duration.ofMillis(80));

  @Test
  void aKeyQueuedManyTimesIsTakenOnce() throws Exception {
    queue.add("a");
    queue.add("a");
    queue.add("b");
    assertThat(queue.take()).contains("a");
    assertThat(queue.take()).contains("b");
    assertThat(queue.size()).isZero();
  }

  @Test
  void aKeyQueuedWhileProcessedComesBackOnlyAfterDone() throws Exception {
    queue.add("a");
    assertThat(queue.take()).contains("a");
    queue.add("a");
    assertThat(queue.size()).isZero();
    queue.done("a");
    assertThat(queue.take()).contains("a");
  }

  @Test
  void backoffDoublesAndIsCapped() {
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofMillis(10));
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofMillis(20));
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofMillis(40));
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofMillis(80));
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofMillis(80));
    queue.forget("a");
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void delayedKeysBecomeReadyWhenDue() throws Exception {
    queue.addAfter("later", Duration.ofMillis(20));
    assertThat(queue.idle()).isFalse();
    assertThat(queue.take()).contains("later");
  }

  /** On the wall clock this take would wait an hour. */
  @Test
  @Timeout(10)
  void delaysAreMeasuredOnTheInjectedClock() throws Exception {
    ControlLoopIT.MutableClock clock =
        new ControlLoopIT.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    WorkQueue<String> onClock = new WorkQueue<>(clock, Duration.ofMillis(10), Duration.ofHours(1));
    onClock.addAfter("later", Duration.ofHours(1));
    onClock.add("now");
    assertThat(onClock.take()).contains("now");
    onClock.done("now");

    clock.advance(Duration.ofHours(1));
    assertThat(onClock.take()).contains("later");
  }

  @Test
  void shutDownReleasesTakers() throws Exception {
    queue.shutDown();
    assertThat(queue.take()).isEmpty();
  }
}
