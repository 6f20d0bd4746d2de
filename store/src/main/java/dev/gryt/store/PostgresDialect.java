package dev.gryt.store;

import java.sql.SQLException;
import java.time.Duration;

/**
 * PostgreSQL, for production. Writers serialize on the counter row lock ({@code FOR UPDATE}); the
 * lock is released only after the commit is visible, so commits land in resourceVersion order.
 */
final class PostgresDialect implements SqlDialect {
  @Override
  public String storeCounterSql() {
    return "WITH stored AS (UPDATE resource_version_counter SET value = ?, compacted_through = ?"
        + " WHERE id = 1 RETURNING value) SELECT pg_notify('"
        + PostgresCommitListener.CHANNEL
        + "', value::text) FROM stored";
  }

  @Override
  public AutoCloseable listenForCommits(
      com.zaxxer.hikari.HikariDataSource dataSource, CommitSignal signal) {
    return new PostgresCommitListener(dataSource, signal);
  }

  @Override
  public LeaderLock leaderLock(com.zaxxer.hikari.HikariDataSource dataSource, String name) {
    return new PostgresLeaderLock(dataSource, name);
  }

  /** An arbitrary key for the advisory lock that keeps concurrent migrations apart ("gryt"). */
  private static final long MIGRATION_LOCK_KEY = 0x67727974L;

  @Override
  public String displayName() {
    return "PostgreSQL";
  }

  @Override
  public String lockCounterSql() {
    return "SELECT value, compacted_through FROM resource_version_counter WHERE id = 1 FOR UPDATE";
  }

  @Override
  public String lockMigrationsSql() {
    return "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_KEY + ")";
  }

  @Override
  public RowStatements rowStatements() {
    return new PostgresRowStatements();
  }

  @Override
  public boolean serializesWritesInProcess() {
    return false;
  }

  @Override
  public Duration foreignWritePollInterval() {
    // LISTEN/NOTIFY wakes watches; this is only the safety net.
    return Duration.ofSeconds(30);
  }

  @Override
  public String relaxedCommitSql() {
    return "SET LOCAL synchronous_commit TO OFF";
  }

  @Override
  public java.util.List<String> compactAfterSealingSql() {
    return java.util.List.of("VACUUM FULL resources", "VACUUM FULL events");
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  @Override
  public boolean sendsStatementsTogether() {
    return true;
  }

  @Override
  public String bytewise(String column) {
    return column + " COLLATE \"C\"";
  }

  @Override
  public String indexedBy(String index) {
    return "";
  }
}
