package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;

/** The run reports and logs contract on a real PostgreSQL server ({@code gryt.test.pg}). */
class PostgresRunLogStoreIT extends RunLogStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }
}
