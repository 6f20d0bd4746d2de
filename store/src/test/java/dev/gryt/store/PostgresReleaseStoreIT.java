package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;

/** The release store contract on PostgreSQL. */
class PostgresReleaseStoreIT extends ReleaseStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }
}
