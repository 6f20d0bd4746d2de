package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.Pipeline;
import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite files. */
class SqliteResourceStoreTest extends ResourceStoreContract {
  @TempDir Path directory;

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }

  @Test
  void createsTheParentDirectoryOfItsFile() {
    Path file = directory.resolve("nested/deeper/gryt.db");
    try (ResourceStore store = StoreFactory.open("sqlite:" + file)) {
      store.create(pipeline(null, "p", "x"));
    }
    assertThat(file).exists();
    try (ResourceStore store = StoreFactory.open("jdbc:sqlite:" + file)) {
      assertThat(store.get(Pipeline.class, "default", "p")).isPresent();
    }
  }

  @Test
  void usesWriteAheadLogging() throws Exception {
    Path file = directory.resolve("wal.db");
    try (ResourceStore store = StoreFactory.open("sqlite:" + file)) {
      store.create(pipeline(null, "p", "x"));
      assertThat(Files.exists(directory.resolve("wal.db-wal"))).isTrue();
    }
  }

  @Test
  void migratesOnceAndRefusesASchemaNewerThanItKnows() throws Exception {
    Path file = directory.resolve("schema.db");
    StoreFactory.open("sqlite:" + file).close();
    StoreFactory.open("sqlite:" + file).close();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
        for (int version = 1; version <= SchemaMigrations.latestVersion(); version++) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getInt(1)).isEqualTo(version);
        }
        assertThat(rows.next()).as("each applied once").isFalse();
      }
      statement.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, 'x')");
    }

    assertThatThrownBy(() -> StoreFactory.open("sqlite:" + file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("999")
        .hasMessageContaining("upgrade gryt");
  }
}
