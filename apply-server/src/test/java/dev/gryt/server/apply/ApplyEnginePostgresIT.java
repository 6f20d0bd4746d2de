package dev.gryt.server.apply;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** Every {@link ApplyEngineIT} race again, on a fresh PostgreSQL database. */
class ApplyEnginePostgresIT extends ApplyEngineIT {
  private TestDatabases.TestDatabase database;

  @Override
  String storeUrl() {
    database = TestDatabases.postgres();
    return database.url();
  }

  @AfterEach
  void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }
}
