package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Secrets at rest on a real PostgreSQL server ({@code gryt.test.pg}): rows, events, keys. */
class PostgresSealingMigrationIT extends SealedStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }

  @Override
  protected String rawContents(TestDatabase database) throws Exception {
    StringBuilder text = new StringBuilder();
    try (Connection connection = DriverManager.getConnection(database.url())) {
      for (String table :
          new String[] {"resources", "events", "webhook_keys", "webhook_trigger_keys"}) {
        try (Statement statement = connection.createStatement();
            ResultSet exists = statement.executeQuery("SELECT to_regclass('" + table + "')")) {
          exists.next();
          if (exists.getString(1) == null) {
            continue;
          }
        }
        try (Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rows.next()) {
            text.append(rows.getString(1)).append('\n');
          }
        }
      }
    }
    return text.toString();
  }

  @Override
  protected String jdbcUrl(TestDatabase database) {
    return database.url();
  }

  @Override
  protected SqlDialect dialect(TestDatabase database) {
    return new PostgresDialect();
  }
}
