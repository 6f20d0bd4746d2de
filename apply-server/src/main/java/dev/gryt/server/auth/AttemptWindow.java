package dev.gryt.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts attempts per key in a sliding window, with room for attempts still under way: an attempt
 * is {@linkplain #reserve reserved} before the slow work it stands for, so that concurrent attempts
 * can never pass the limit together, and then {@linkplain #count counted} or {@linkplain #release
 * released} once its outcome is known.
 *
 * <p>What it remembers is bounded: keys whose attempts all left the window are dropped once per
 * window, and each key keeps at most {@code limit} timestamps.
 */
final class AttemptWindow {
  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private Instant nextSweep;

  private static final class Slot {
    final Deque<Instant> counted = new ArrayDeque<>();
    int reserved;
  }

  AttemptWindow(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    this.nextSweep = clock.instant().plus(window);
  }

  /** How many keys are remembered (for tests). */
  synchronized int remembered() {
    return slots.size();
  }

  /**
   * Reserves one attempt under every key, all or none.
   *
   * @return zero when reserved; else how long until the fullest key has room (at least a second
   *     while only attempts under way fill it)
   */
  synchronized Duration reserve(List<String> keys) {
    Instant now = clock.instant();
    sweep(now);
    Duration wait = Duration.ZERO;
    for (String key : keys) {
      Slot slot = slots.get(key);
      if (slot == null) {
        continue;
      }
      expire(slot, now);
      if (slot.counted.size() + slot.reserved >= limit) {
        Duration untilRoom =
            slot.counted.size() >= limit
                ? Duration.between(now, slot.counted.peekFirst().plus(window))
                : Duration.ofSeconds(1);
        wait = untilRoom.compareTo(wait) > 0 ? untilRoom : wait;
      }
    }
    if (!wait.isZero()) {
      return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
    }
    for (String key : keys) {
      slots.computeIfAbsent(key, k -> new Slot()).reserved++;
    }
    return Duration.ZERO;
  }

  /** Turns a reserved attempt into a counted one. */
  synchronized void count(List<String> keys) {
    Instant now = clock.instant();
    for (String key : keys) {
      Slot slot = slots.computeIfAbsent(key, k -> new Slot());
      slot.reserved = Math.max(0, slot.reserved - 1);
      slot.counted.addLast(now);
      while (slot.counted.size() > limit) {
        slot.counted.pollFirst();
      }
    }
  }

  /** Gives a reserved attempt back without counting it. */
  synchronized void release(List<String> keys) {
    for (String key : keys) {
      Slot slot = slots.get(key);
      if (slot != null) {
        slot.reserved = Math.max(0, slot.reserved - 1);
      }
    }
  }

  /** Forgets the counted attempts of {@code key} (those under way stay reserved). */
  synchronized void forget(String key) {
    Slot slot = slots.get(key);
    if (slot != null) {
      slot.counted.clear();
    }
  }

  private void expire(Slot slot, Instant now) {
    while (!slot.counted.isEmpty() && !slot.counted.peekFirst().plus(window).isAfter(now)) {
      slot.counted.pollFirst();
    }
  }

  private void sweep(Instant now) {
    if (now.isAfter(nextSweep)) {
      nextSweep = now.plus(window);
      slots
          .values()
          .removeIf(
              slot -> {
                expire(slot, now);
                return slot.counted.isEmpty() && slot.reserved == 0;
              });
    }
  }
}
