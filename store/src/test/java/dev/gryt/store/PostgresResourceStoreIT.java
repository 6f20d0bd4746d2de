package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;

/** The store contract on a real PostgreSQL server ({@code gryt.test.pg}). */
class PostgresResourceStoreIT extends ResourceStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }
}
