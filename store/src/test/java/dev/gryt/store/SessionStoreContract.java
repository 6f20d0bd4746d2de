package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.store.SessionStore.Session;
import dev.gryt.store.TestDatabases.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionStore} shares: sessions survive a reopen, a one-time link is
 * taken by one caller only, expired rows go.
 */
public abstract class SessionStoreContract extends StoreContract {
  static Session session(String hash, String kind, Instant expires) {
    return new Session(hash, "acct-admin", kind, null, NOW, expires);
  }

  @Test
  void aSessionIsFoundByItsHashAndSwitchesTeamsUntilItIsDeleted() {
    SessionStore sessions = newStore().accounts().sessions();
    sessions.create(session("h1", Session.SESSION, NOW.plusSeconds(60)));
    assertThat(sessions.session("h1")).hasValueSatisfying(s -> assertThat(s.team()).isNull());
    assertThat(sessions.actFor("h1", "ops")).isTrue();
    assertThat(sessions.session("h1"))
        .hasValueSatisfying(s -> assertThat(s.team()).isEqualTo("ops"));
    assertThat(sessions.session("h1").orElseThrow().expiresAt()).isEqualTo(NOW.plusSeconds(60));
    assertThatThrownBy(() -> sessions.create(session("h1", Session.SESSION, NOW)))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(sessions.delete("h1")).isTrue();
    assertThat(sessions.delete("h1")).isFalse();
    assertThat(sessions.session("h1")).isEmpty();
    assertThat(sessions.actFor("h1", null)).isFalse();
  }

  @Test
  void aLinkIsNotASessionAndIsTakenOnceEvenByConcurrentCallers() throws Exception {
    SessionStore sessions = newStore().accounts().sessions();
    sessions.create(session("link", Session.LINK, NOW.plusSeconds(600)));
    assertThat(sessions.session("link")).isEmpty();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Optional<Session>>> takers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        takers.add(() -> sessions.consumeLink("link"));
      }
      int taken = 0;
      for (Future<Optional<Session>> f : pool.invokeAll(takers)) {
        taken += f.get().isPresent() ? 1 : 0;
      }
      assertThat(taken).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    sessions.create(session("s", Session.SESSION, NOW.plusSeconds(600)));
    assertThat(sessions.consumeLink("s")).as("a session is no link").isEmpty();
    assertThat(sessions.session("s")).isPresent();
  }

  @Test
  void expiredSessionsAndLinksAreDeleted() {
    SessionStore sessions = newStore().accounts().sessions();
    sessions.create(session("old", Session.SESSION, NOW.minusSeconds(1)));
    sessions.create(session("oldlink", Session.LINK, NOW.minusSeconds(1)));
    sessions.create(session("new", Session.SESSION, NOW.plusSeconds(1)));
    assertThat(sessions.deleteExpired(NOW)).isEqualTo(2);
    assertThat(sessions.session("new")).isPresent();
    assertThat(sessions.session("old")).isEmpty();
  }

  @Test
  void sessionsAreSeenByAnotherStoreOnTheSameDatabase() {
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore first = open(database.url(), SqlResourceStore.DEFAULT_EVENT_RETENTION);
    first.accounts().sessions().create(session("kept", Session.SESSION, NOW.plusSeconds(60)));
    ResourceStore second = open(database.url(), SqlResourceStore.DEFAULT_EVENT_RETENTION);
    assertThat(second.accounts().sessions().session("kept")).isPresent();
  }
}
