package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;

/** The dashboard sessions contract on a real PostgreSQL server ({@code gryt.test.pg}). */
class PostgresSessionStoreIT extends SessionStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }
}
