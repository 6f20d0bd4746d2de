package dev.gryt.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the signatures this server saw inside the time window, so that a captured request sent
 * to it again is refused without a write. Entries older than the window are dropped: by then the
 * timestamp check refuses them.
 *
 * <p>In memory, per process: a replay sent to another server is refused by the store's {@link
 * dev.gryt.store.ReplayLedger}, which every server sharing the database writes to.
 */
final class ReplayGuard {
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Duration window;
  private final Clock clock;
  private volatile Instant nextSweep;

  ReplayGuard(Duration window, Clock clock) {
    this.window = window;
    this.clock = clock;
    this.nextSweep = clock.instant().plus(window);
  }

  /** Records the signature; false when it was already seen inside the window. */
  boolean firstSighting(String keyId, String signature) {
    Instant now = clock.instant();
    if (now.isAfter(nextSweep)) {
      nextSweep = now.plus(window);
      Instant oldest = now.minus(window.multipliedBy(2));
      seen.values().removeIf(at -> at.isBefore(oldest));
    }
    return seen.putIfAbsent(keyId + ":" + signature, now) == null;
  }
}
