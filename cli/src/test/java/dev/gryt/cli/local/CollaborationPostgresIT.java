package dev.gryt.cli.local;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** Every {@link CollaborationIT} scenario again, the server on a fresh PostgreSQL database. */
class CollaborationPostgresIT extends CollaborationIT {
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
