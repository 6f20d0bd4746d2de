package dev.gryt.server.auth;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** {@link WebhookDeliveriesIT} on a real PostgreSQL database of its own. */
class WebhookDeliveriesPostgresIT extends WebhookDeliveriesIT {
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
