package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.SecretSealer;
import dev.gryt.store.StoreFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login throttle as an attacker meets it: through {@link AccountAuthenticator#login} with the
 * real password hash (600,000 iterations, so that guesses truly overlap) over a real SQLite store.
 * A wrong password that reached the hash answers 401; one refused before it answers 429.
 */
class LoginThrottleTest {
  static final String ATTACKER = "203.0.113.9";
  static final String VICTIM_HOME = "198.51.100.20";
  static final String ALICE = "correct horse battery staple";
  static final String BOB = "Tr0ub4dor&3-but-longer";

  @TempDir Path dir;
  final AuthIT.MutableClock clock = new AuthIT.MutableClock(Instant.parse("2026-11-27T06:00:00Z"));
  ResourceStore store;
  AccountAuthenticator authenticator;

  @BeforeEach
  void start() {
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"));
    Accounts accounts =
        new Accounts(store.accounts(), new SecretSealer(new byte[32]), new PasswordHasher(), clock);
    accounts.create("alice", ALICE);
    accounts.create("bob", BOB);
    authenticator = new AccountAuthenticator(accounts, clock, store.accounts().replayLedger());
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void fortyConcurrentGuessesReachTheHashAtMostTenTimes() throws Exception {
    int guesses = 40;
    CyclicBarrier together = new CyclicBarrier(guesses);
    ExecutorService pool = Executors.newFixedThreadPool(guesses);
    List<Future<Integer>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < guesses; i++) {
        String guess = "wrong guess " + i;
        answers.add(
            pool.submit(
                () -> {
                  together.await();
                  return status(() -> authenticator.login("alice", guess, ATTACKER));
                }));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      long hashed = statuses.stream().filter(s -> s == 401).count();
      long refused = statuses.stream().filter(s -> s == 429).count();
      assertThat(hashed).isBetween(1L, (long) LoginThrottle.PER_ACCOUNT_ADDRESS);
      assertThat(hashed + refused).isEqualTo(guesses);
    } finally {
      pool.shutdownNow();
    }
    // Refused before any hashing: even the right password, from the attacker's address.
    assertThat(status(() -> authenticator.login("alice", ALICE, ATTACKER))).isEqualTo(429);
    // No cross-account lockout: bob from the same address, alice from hers.
    assertThat(authenticator.login("bob", BOB, ATTACKER).username()).isEqualTo("bob");
    assertThat(authenticator.login("alice", ALICE, VICTIM_HOME).username()).isEqualTo("alice");
  }

  @Test
  void oneAddressGetsFiftyGuessesAcrossEveryAccount() {
    for (int i = 0; i < LoginThrottle.PER_ADDRESS; i++) {
      String username = "nobody-" + i % 7;
      assertThat(status(() -> authenticator.login(username, "guess", ATTACKER))).isEqualTo(401);
    }
    assertThat(status(() -> authenticator.login("someone-new", "guess", ATTACKER))).isEqualTo(429);
    assertThat(status(() -> authenticator.login("bob", BOB, ATTACKER))).isEqualTo(429);
    // Another address is not throttled by it.
    assertThat(authenticator.login("bob", BOB, VICTIM_HOME).username()).isEqualTo("bob");
    clock.advance(LoginThrottle.WINDOW);
    assertThat(authenticator.login("bob", BOB, ATTACKER).username()).isEqualTo("bob");
  }

  @Test
  void theRightPasswordForgetsTheAccountsFailuresButNotTheAddresss() {
    for (int i = 0; i < LoginThrottle.PER_ACCOUNT_ADDRESS - 1; i++) {
      assertThat(status(() -> authenticator.login("alice", "typo", VICTIM_HOME))).isEqualTo(401);
    }
    assertThat(authenticator.login("alice", ALICE, VICTIM_HOME).accountId()).startsWith("acct-");
    for (int i = 0; i < LoginThrottle.PER_ACCOUNT_ADDRESS; i++) {
      assertThat(status(() -> authenticator.login("alice", "typo", VICTIM_HOME))).isEqualTo(401);
    }
    assertThat(status(() -> authenticator.login("alice", "typo", VICTIM_HOME))).isEqualTo(429);
  }

  @Test
  void aThrottledKeyOpensAgainWhenItsOldestFailureLeavesTheWindow() {
    LoginThrottle throttle = new LoginThrottle(3, 50, Duration.ofMinutes(5), clock);
    for (int i = 0; i < 3; i++) {
      throttle.begin("alice", ATTACKER).failed();
      clock.advance(Duration.ofMinutes(1));
    }
    assertThatThrownBy(() -> throttle.begin("alice", ATTACKER))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.retryAfterSeconds()).isEqualTo(120);
            });
    clock.advance(Duration.ofMinutes(2));
    throttle.begin("alice", ATTACKER).succeeded();
  }

  @Test
  void anAbandonedAttemptGivesItsRoomBack() {
    LoginThrottle throttle = new LoginThrottle(1, 50, Duration.ofMinutes(5), clock);
    LoginThrottle.Attempt inFlight = throttle.begin("alice", ATTACKER);
    assertThatThrownBy(() -> throttle.begin("alice", ATTACKER)).isInstanceOf(ApiException.class);
    inFlight.abandoned();
    throttle.begin("alice", ATTACKER).failed();
    assertThatThrownBy(() -> throttle.begin("alice", ATTACKER)).isInstanceOf(ApiException.class);
  }

  @Test
  void forgetsKeysWhoseAttemptsLeftTheWindow() {
    LoginThrottle throttle = new LoginThrottle(3, 5_000, Duration.ofMinutes(5), clock);
    for (int i = 0; i < 1_000; i++) {
      throttle.begin("flood-" + i, ATTACKER).failed();
    }
    assertThat(throttle.remembered()).isEqualTo(1_001);
    clock.advance(Duration.ofMinutes(6));
    throttle.begin("late", ATTACKER).failed();
    assertThat(throttle.remembered()).isEqualTo(2);
  }

  private static int status(java.util.function.Supplier<Principal> login) {
    try {
      login.get();
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }
}
