package dev.gryt.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Answers remembered for a short while (verified passwords, key secrets, team memberships), so that
 * a slow or database-bound check is not repeated on every request. Bounded: past {@value #MAX}
 * entries it starts over.
 */
final class ShortCache<V> {
  private static final int MAX = 10_000;

  private record Entry<V>(V value, Instant until) {}

  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;

  ShortCache(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The value remembered for {@code key}; null when there is none or it expired. */
  V get(String key) {
    Entry<V> entry = entries.get(key);
    return entry != null && entry.until().isAfter(clock.instant()) ? entry.value() : null;
  }

  void put(String key, V value) {
    if (entries.size() > MAX) {
      entries.clear();
    }
    entries.put(key, new Entry<>(value, clock.instant().plus(ttl)));
  }

  void remove(String key) {
    entries.remove(key);
  }

  void removeIf(Predicate<String> key) {
    entries.keySet().removeIf(key);
  }
}
