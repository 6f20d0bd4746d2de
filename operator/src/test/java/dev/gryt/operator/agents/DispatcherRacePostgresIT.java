package dev.gryt.operator.agents;

import dev.gryt.store.TestDatabases;

/** The same race on PostgreSQL, where two servers really share one database. */
class DispatcherRacePostgresIT extends DispatcherRaceIT {
  private TestDatabases.TestDatabase database;

  @Override
  String storeUrl() {
    if (database == null) {
      // Kept first, so dropped last: after the stores, loop and dispatchers on it have closed.
      database = keep(TestDatabases.postgres());
    }
    return database.url();
  }
}
