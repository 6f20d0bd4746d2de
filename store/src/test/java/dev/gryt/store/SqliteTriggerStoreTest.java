package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The webhook keys and deliveries contract on SQLite files. */
class SqliteTriggerStoreTest extends TriggerStoreContract {
  @TempDir Path directory;

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }
}
