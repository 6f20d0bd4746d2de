package dev.gryt.server;

import dev.gryt.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** Every {@link WebhookIngressIT} test again, on a fresh PostgreSQL database. */
class WebhookIngressPostgresIT extends WebhookIngressIT {
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
