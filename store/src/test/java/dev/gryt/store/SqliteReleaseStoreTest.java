package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The release store contract on SQLite. */
class SqliteReleaseStoreTest extends ReleaseStoreContract {
  @TempDir Path directory;

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }
}
