package dev.gryt.store;

import java.sql.SQLException;
import java.time.Duration;

/**
 * SQLite, the embedded default. Connections open with {@code transaction_mode=IMMEDIATE}, so a
 * write transaction takes the database's single write lock at its start; that lock is what orders
 * commits by resourceVersion.
 */
final class SqliteDialect implements SqlDialect {
  private final java.nio.file.Path file;

  SqliteDialect(java.nio.file.Path file) {
    this.file = file;
  }

  @Override
  public String storeCounterSql() {
    return "UPDATE resource_version_counter SET value = ?, compacted_through = ? WHERE id = 1";
  }

  @Override
  public AutoCloseable listenForCommits(
      com.zaxxer.hikari.HikariDataSource dataSource, CommitSignal signal) {
    return null;
  }

  @Override
  public LeaderLock leaderLock(com.zaxxer.hikari.HikariDataSource dataSource, String name) {
    return new FileLeaderLock(file.resolveSibling(file.getFileName() + "." + name + ".lock"));
  }

  /** SQLITE_CONSTRAINT; the extended codes (PRIMARYKEY, UNIQUE) share its low byte. */
  private static final int SQLITE_CONSTRAINT = 19;

  @Override
  public String displayName() {
    return "SQLite";
  }

  @Override
  public String lockCounterSql() {
    return "SELECT value, compacted_through FROM resource_version_counter WHERE id = 1";
  }

  @Override
  public String lockMigrationsSql() {
    return null;
  }

  @Override
  public RowStatements rowStatements() {
    return new SqliteRowStatements();
  }

  @Override
  public boolean serializesWritesInProcess() {
    // Waiting on a Java lock is cheaper and fairer than spinning in SQLite's busy handler.
    return true;
  }

  @Override
  public Duration foreignWritePollInterval() {
    // Another process (the CLI next to a running server) may write the same file.
    return Duration.ofSeconds(1);
  }

  @Override
  public String relaxedCommitSql() {
    return null;
  }

  @Override
  public java.util.List<String> compactAfterSealingSql() {
    return java.util.List.of("VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)");
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
  }

  @Override
  public boolean sendsStatementsTogether() {
    return false;
  }

  @Override
  public String bytewise(String column) {
    return column;
  }

  @Override
  public String indexedBy(String index) {
    return " INDEXED BY " + index;
  }
}
