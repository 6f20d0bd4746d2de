package dev.gryt.server.auth;

import dev.gryt.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Rate-limits password attempts under two keys: the account together with the client's address
 * ({@value #PER_ACCOUNT_ADDRESS} per window), and the address alone ({@value #PER_ADDRESS} per
 * window, across every account). An attempt is reserved under both keys before the slow hash, so
 * concurrent guesses never pass the limit together, and a throttled key is refused (429) before any
 * hashing.
 *
 * <p>No key is the account alone: a stranger's failures from their addresses never throttle the
 * account's owner at theirs. A correct password forgets the failures of its (account, address) key,
 * never its address's, so one's own account cannot launder guesses at others.
 */
final class LoginThrottle {
  static final int PER_ACCOUNT_ADDRESS = 10;
  static final int PER_ADDRESS = 50;
  static final Duration WINDOW = Duration.ofMinutes(5);

  private final AttemptWindow byAccountAddress;
  private final AttemptWindow byAddress;

  LoginThrottle(Clock clock) {
    this(PER_ACCOUNT_ADDRESS, PER_ADDRESS, WINDOW, clock);
  }

  LoginThrottle(int perAccountAddress, int perAddress, Duration window, Clock clock) {
    this.byAccountAddress = new AttemptWindow(perAccountAddress, window, clock);
    this.byAddress = new AttemptWindow(perAddress, window, clock);
  }

  /** One password attempt, reserved: settle it exactly once. */
  interface Attempt {
    /** The password was right: the (account, address) key forgets its failures. */
    void succeeded();

    /** The password (or the username) was wrong: the attempt counts under both keys. */
    void failed();

    /** Neither (the store failed): the reservation is given back; a no-op once settled. */
    void abandoned();
  }

  /**
   * Reserves an attempt at {@code username} from {@code address}.
   *
   * @throws ApiException 429 with Retry-After seconds when either key is full
   */
  Attempt begin(String username, String address) {
    List<String> pair = List.of(username + "\u0000" + address);
    List<String> addr = List.of(address);
    // Both or neither: the address's room is taken only once the pair's was.
    Duration wait = byAddress.reserve(addr);
    if (wait.isZero()) {
      wait = byAccountAddress.reserve(pair);
      if (!wait.isZero()) {
        byAddress.release(addr);
      }
    }
    if (!wait.isZero()) {
      long seconds = Math.max(1, wait.toSeconds());
      throw ApiException.tooMany(
          "too many failed logins from this address; try again in " + seconds + " s", seconds);
    }
    return new Attempt() {
      private boolean settled;

      @Override
      public void succeeded() {
        if (!settled) {
          settled = true;
          byAccountAddress.release(pair);
          byAccountAddress.forget(pair.get(0));
          byAddress.release(addr);
        }
      }

      @Override
      public void abandoned() {
        if (!settled) {
          settled = true;
          byAccountAddress.release(pair);
          byAddress.release(addr);
        }
      }

      @Override
      public void failed() {
        if (!settled) {
          settled = true;
          byAccountAddress.count(pair);
          byAddress.count(addr);
        }
      }
    };
  }

  /** How many keys are remembered (for tests). */
  int remembered() {
    return byAccountAddress.remembered() + byAddress.remembered();
  }
}
