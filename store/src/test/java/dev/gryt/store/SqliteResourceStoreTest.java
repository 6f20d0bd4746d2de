package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Pipeline;
import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
