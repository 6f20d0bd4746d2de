package dev.gryt.operator.loop;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** Every {@link ControlLoopIT} scenario again, on a fresh PostgreSQL database. */
class ControlLoopPostgresIT extends ControlLoopIT {
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
