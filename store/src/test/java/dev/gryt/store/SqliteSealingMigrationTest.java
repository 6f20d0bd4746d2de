package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.store.TestDatabases.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets at rest on SQLite: the file's bytes, its mode, and the migration of an old file. */
class SqliteSealingMigrationTest extends SealedStoreContract {
  @TempDir Path directory;

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }

  private static Path file(TestDatabase database) {
    return Path.of(database.url().substring("sqlite:".length()));
  }

  @Override
  protected String rawContents(TestDatabase database) throws Exception {
    StringBuilder bytes = new StringBuilder();
    for (String suffix : new String[] {"", "-wal", "-journal"}) {
      Path one = Path.of(file(database) + suffix);
      if (Files.exists(one)) {
        bytes.append(new String(Files.readAllBytes(one), StandardCharsets.ISO_8859_1));
      }
    }
    return bytes.toString();
  }

  @Override
  protected String jdbcUrl(TestDatabase database) {
    return "jdbc:" + database.url();
  }

  @Override
  protected SqlDialect dialect(TestDatabase database) {
    return new SqliteDialect(file(database));
  }

  @Test
  void theFileIsReadableByItsOwnerOnly() throws Exception {
    TestDatabase database = database();
    open(database).create(webhook(HOOK_SECRET));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file(database))))
        .isEqualTo("rw-------");
    Path wal = Path.of(file(database) + "-wal");
    if (Files.exists(wal)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void anExistingWorldReadableFileIsMadePrivate() throws Exception {
    TestDatabase database = database();
    open(database).close();
    Files.setPosixFilePermissions(file(database), PosixFilePermissions.fromString("rw-r--r--"));
    open(database);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file(database))))
        .isEqualTo("rw-------");
  }
}
