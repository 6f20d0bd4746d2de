package dev.gryt.server;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** Every {@link ReleaseApiIT} test again, on a fresh PostgreSQL database. */
class ReleaseApiPostgresIT extends ReleaseApiIT {
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
