package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * {@code .gryt/gryt.db}: the local source of truth, a SQLite file with its own schema, migrated
 * forward by {@link #MIGRATIONS} (append-only; {@code PRAGMA user_version} is the number applied).
 * One connection, opened directly through the SQLite driver (no pool, no driver scan) because a CLI
 * command is short and its start-up time matters.
 */
public final class LocalDatabase implements AutoCloseable {
  /** Index i is migration i + 1. Never edit one that shipped; append. */
  static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              """
              CREATE TABLE generations (
                id INTEGER PRIMARY KEY,
                version TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'draft',
                promoted_by TEXT,
                promoted_at TEXT,
                tag TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                sync_status TEXT NOT NULL DEFAULT 'not_synced',
                remote_id TEXT,
                sync_error TEXT)""",
              """
              CREATE TABLE changes (
                generation_id INTEGER NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                change_id TEXT NOT NULL,
                type TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (generation_id, change_id))""",
              """
              CREATE TABLE evolutions (
                id INTEGER PRIMARY KEY,
                code_name TEXT NOT NULL UNIQUE,
                generation_id INTEGER NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
                change_id TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'in_progress',
                pipeline TEXT,
                run_id TEXT,
                started_at TEXT NOT NULL,
                completed_at TEXT,
                sync_status TEXT NOT NULL DEFAULT 'not_synced',
                remote_id TEXT,
                sync_error TEXT)""",
              "CREATE INDEX evolutions_by_change ON evolutions (generation_id, change_id, id)",
              """
              CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                pipeline TEXT NOT NULL,
                source TEXT NOT NULL,
                runner TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                duration_ms INTEGER)""",
              """
              CREATE TABLE run_steps (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                command TEXT NOT NULL,
                status TEXT NOT NULL,
                exit_code INTEGER,
                duration_ms INTEGER,
                output TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (run_id, position))"""));

  private final Connection connection;
  private final Path file;

  private LocalDatabase(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /** Opens (creating if needed) and migrates the database at {@code file}. */
  public static LocalDatabase open(Path file) {
    return open(file, null);
  }

  /**
   * Like {@link #open(Path)}; {@code nativeCache} (null for none) is where SQLite's native library
   * is kept between calls. Without it the driver extracts and checks the library again on every
   * start, a visible share of a short command's time.
   */
  public static LocalDatabase open(Path file, Path nativeCache) {
    if (nativeCache != null) {
      useCachedNativeLibrary(nativeCache);
    }
    Connection connection;
    try {
      Properties properties = new Properties();
      properties.setProperty("foreign_keys", "true");
      properties.setProperty("busy_timeout", "10000");
      properties.setProperty("journal_mode", "WAL");
      properties.setProperty("synchronous", "NORMAL");
      connection = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, properties);
    } catch (SQLException e) {
      throw new CliException("cannot open " + file + ": " + e.getMessage(), e);
    }
    LocalDatabase database = new LocalDatabase(connection, file);
    try {
      database.migrate();
    } catch (SQLException | RuntimeException e) {
      database.close();
      if (e instanceof CliException cli) {
        throw cli;
      }
      throw new CliException("cannot migrate " + file + ": " + e.getMessage(), e);
    }
    return database;
  }

  private static void useCachedNativeLibrary(Path cache) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return;
    }
    try {
      String folder = org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS();
      String name = System.mapLibraryName("sqlitejdbc");
      String resource = "/org/sqlite/native/" + folder + "/" + name;
      java.net.URL url = org.sqlite.JDBC.class.getResource(resource);
      if (url == null) {
        return; // the driver finds its own way (e.g. a system library)
      }
      // The jar's location and size name the cached copy: a new driver gets a new file.
      java.net.URLConnection connection = url.openConnection();
      long size = connection.getContentLengthLong();
      String jar = url.getPath();
      String version = Integer.toHexString(jar.hashCode()) + "-" + size;
      Path dir = cache.resolve("sqlite-" + version).resolve(folder);
      Path library = dir.resolve(name);
      if (!java.nio.file.Files.isRegularFile(library)
          || java.nio.file.Files.size(library) != size) {
        java.nio.file.Files.createDirectories(dir);
        Path tmp = java.nio.file.Files.createTempFile(dir, name, ".tmp");
        try (java.io.InputStream in = connection.getInputStream()) {
          java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        java.nio.file.Files.move(
            tmp,
            library,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      System.setProperty("org.sqlite.lib.path", dir.toString());
      System.setProperty("org.sqlite.lib.name", name);
    } catch (java.io.IOException | RuntimeException e) {
      // Best effort: the driver extracts the library itself, only more slowly.
    }
  }

  public Connection connection() {
    return connection;
  }

  public Path file() {
    return file;
  }

  /** The schema version this gryt writes. */
  static int latestVersion() {
    return MIGRATIONS.size();
  }

  private void migrate() throws SQLException {
    int current;
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("PRAGMA user_version")) {
      current = rows.next() ? rows.getInt(1) : 0;
    }
    if (current == latestVersion()) {
      return;
    }
    if (current > latestVersion()) {
      throw new CliException(
          file
              + " has schema version "
              + current
              + " but this gryt knows up to "
              + latestVersion()
              + "; upgrade gryt");
    }
    inTransaction(
        () -> {
          try (Statement s = connection.createStatement()) {
            for (int version = current + 1; version <= latestVersion(); version++) {
              for (String sql : MIGRATIONS.get(version - 1)) {
                s.execute(sql);
              }
            }
            s.execute("PRAGMA user_version = " + latestVersion());
          }
          return null;
        });
  }

  /** Work against the connection; a failure rolls everything back. */
  public interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} in one transaction: all of it or none. */
  public <T> T inTransaction(Work<T> work) {
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run();
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new CliException("local database " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs one statement with string parameters; returns the rows changed. */
  public int update(String sql, Object... parameters) {
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      bind(s, parameters);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new CliException("local database " + file + ": " + e.getMessage(), e);
    }
  }

  static void bind(PreparedStatement s, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      s.setObject(i + 1, parameters[i]);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing: nothing left to do with it
    }
  }
}
