package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;

/** The webhook keys and deliveries contract on a real PostgreSQL server ({@code gryt.test.pg}). */
class PostgresTriggerStoreIT extends TriggerStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }
}
