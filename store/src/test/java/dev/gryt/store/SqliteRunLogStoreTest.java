package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The run reports and logs contract on SQLite files. */
class SqliteRunLogStoreTest extends RunLogStoreContract {
  @TempDir Path directory;

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }
}
