package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard sessions contract on SQLite files. */
class SqliteSessionStoreTest extends SessionStoreContract {
  @TempDir Path directory;

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }
}
