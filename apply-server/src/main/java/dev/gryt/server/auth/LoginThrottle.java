package dev.gryt.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate-limits failed logins per account and per client address: after {@code limit} failures inside
 * {@code window}, further attempts are refused (429) until the oldest failure leaves the window —
 * also with the right password, so that guessing gains nothing by waiting less.
 *
 * <p>What it remembers is bounded: subjects whose failures all left the window are dropped once per
 * window, and each subject keeps at most {@code limit} timestamps. Since an address is refused
 * after {@code limit} failures, one address adds at most {@code limit} subjects per window.
 */
final class LoginThrottle {
  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private volatile Instant nextSweep;

  LoginThrottle(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    this.nextSweep = clock.instant().plus(window);
  }

  /** How many subjects are remembered (for tests). */
  int remembered() {
    return failures.size();
  }

  private void sweep(Instant now) {
    if (now.isAfter(nextSweep)) {
      nextSweep = now.plus(window);
      failures
          .entrySet()
          .removeIf(
              e -> {
                synchronized (e.getValue()) {
                  Instant newest = e.getValue().peekLast();
                  return newest == null || !newest.plus(window).isAfter(now);
                }
              });
    }
  }

  /** How long until {@code subject} may try again; zero when it may now. */
  Duration retryAfter(String subject) {
    Deque<Instant> times = failures.get(subject);
    if (times == null) {
      return Duration.ZERO;
    }
    synchronized (times) {
      Instant now = clock.instant();
      while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
        times.pollFirst();
      }
      if (times.size() < limit) {
        return Duration.ZERO;
      }
      return Duration.between(now, times.peekFirst().plus(window));
    }
  }

  void failed(String subject) {
    sweep(clock.instant());
    Deque<Instant> times = failures.computeIfAbsent(subject, s -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(clock.instant());
      while (times.size() > limit) {
        times.pollFirst();
      }
    }
  }

  void succeeded(String subject) {
    failures.remove(subject);
  }
}
