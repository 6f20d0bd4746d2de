package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  final AuthIT.MutableClock clock = new AuthIT.MutableClock(Instant.parse("2026-11-27T06:00:00Z"));
  final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(5), clock);

  @Test
  void refusesAfterTheLimitUntilTheOldestFailureLeavesTheWindow() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.retryAfter("user:a")).isZero();
      throttle.failed("user:a");
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(throttle.retryAfter("user:a")).isEqualTo(Duration.ofMinutes(2));
    clock.advance(Duration.ofMinutes(2));
    assertThat(throttle.retryAfter("user:a")).isZero();
  }

  @Test
  void forgetsSubjectsWhoseFailuresLeftTheWindow() {
    for (int i = 0; i < 1_000; i++) {
      throttle.failed("user:flood-" + i);
    }
    assertThat(throttle.remembered()).isEqualTo(1_000);
    clock.advance(Duration.ofMinutes(6));
    throttle.failed("user:late");
    assertThat(throttle.remembered()).isEqualTo(1);
  }
}
