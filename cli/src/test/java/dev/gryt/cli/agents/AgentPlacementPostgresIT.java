package dev.gryt.cli.agents;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** Every {@link AgentPlacementIT} scenario again, on a fresh PostgreSQL database. */
class AgentPlacementPostgresIT extends AgentPlacementIT {
  private TestDatabases.TestDatabase database;

  @Override
  String storeUrl() {
    database = TestDatabases.postgres();
    return database.url();
  }

  /** Drops the database only once the server and the loop on it are stopped. */
  @Override
  @AfterEach
  void stop() {
    super.stop();
    if (database != null) {
      database.close();
    }
  }
}
