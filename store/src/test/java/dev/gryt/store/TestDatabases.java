package dev.gryt.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Real databases for tests, shared with other modules through the store's test-jar.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabases.postgres();
 *     ResourceStore store = StoreFactory.open(db.url())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>PostgreSQL is reached through the admin JDBC URL in the system property {@code gryt.test.pg}
 * (default {@value #DEFAULT_ADMIN_URL}); each call creates a fresh database and close drops it.
 */
public final class TestDatabases {
  public static final String DEFAULT_ADMIN_URL =
      "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  private TestDatabases() {}

  /** A database that a test owns; closing it deletes it. */
  public interface TestDatabase extends AutoCloseable {
    /** A URL {@link StoreFactory#open} accepts. */
    String url();

    @Override
    void close();
  }

  /** The admin URL of the test PostgreSQL server. */
  public static String postgresAdminUrl() {
    return System.getProperty("gryt.test.pg", DEFAULT_ADMIN_URL);
  }

  /** Creates an empty PostgreSQL database {@code gryt_test_<random>}. */
  public static TestDatabase postgres() {
    String adminUrl = postgresAdminUrl();
    String name = "gryt_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(adminUrl, "CREATE DATABASE " + name);
    String url = withDatabase(adminUrl, name);
    return new TestDatabase() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() {
        execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }

      @Override
      public String toString() {
        return url;
      }
    };
  }

  /**
   * A {@code sqlite:} URL for a new database file inside {@code directory} (e.g. a JUnit @TempDir).
   */
  public static TestDatabase sqlite(Path directory) {
    Path file = sqliteFile(directory);
    String url = "sqlite:" + file;
    return new TestDatabase() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() {
        // The file lives in the caller's temporary directory, which JUnit deletes.
      }

      @Override
      public String toString() {
        return url;
      }
    };
  }

  /** A path for a new SQLite file in {@code directory}; the file does not exist yet. */
  public static Path sqliteFile(Path directory) {
    return directory.resolve("gryt-" + UUID.randomUUID().toString().substring(0, 8) + ".db");
  }

  /** The admin URL with its database replaced by {@code database}, keeping the parameters. */
  static String withDatabase(String jdbcUrl, String database) {
    int question = jdbcUrl.indexOf('?');
    String base = question < 0 ? jdbcUrl : jdbcUrl.substring(0, question);
    String query = question < 0 ? "" : jdbcUrl.substring(question);
    int slash = base.lastIndexOf('/');
    if (slash < "jdbc:postgresql://".length()) {
      return base + "/" + database + query;
    }
    return base.substring(0, slash + 1) + database.toLowerCase(Locale.ROOT) + query;
  }

  private static void execute(String adminUrl, String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "test PostgreSQL at " + adminUrl + " (system property gryt.test.pg): " + e.getMessage(),
          e);
    }
  }
}
