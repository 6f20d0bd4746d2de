package dev.gryt.server.auth;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** {@link AuthIT} on a real PostgreSQL database of its own. */
class AuthPostgresIT extends AuthIT {
  private TestDatabases.TestDatabase database;

  @Override
  String storeUrl() {
    database = TestDatabases.postgres();
    return database.url();
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }
}
