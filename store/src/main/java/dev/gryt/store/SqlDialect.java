package dev.gryt.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * What differs between the SQL databases {@link SqlResourceStore} runs on. Everything else (schema,
 * queries, batching) is shared.
 */
interface SqlDialect {
  /** The database's name as people know it, for messages. */
  String displayName();

  /**
   * Reads the counter row at the start of a write transaction, holding it so that writers commit in
   * resourceVersion order.
   */
  String lockCounterSql();

  /** Run first in the migration transaction so two processes never migrate at once; or null. */
  String lockMigrationsSql();

  /** How commits read and write many rows at once. */
  RowStatements rowStatements();

  /** Whether this store instance must also let only one of its own threads write at a time. */
  boolean serializesWritesInProcess();

  /** How often a watch looks for writes made by other processes, which it is not woken for. */
  Duration foreignWritePollInterval();

  /**
   * Stores the counter at the end of a write transaction (parameters: the new value and the event
   * log's compacted-through mark) and, where the database can, tells other processes in the same
   * statement: one round trip.
   */
  String storeCounterSql();

  /** Starts waking {@code signal} on other processes' commits; null when the database cannot. */
  AutoCloseable listenForCommits(
      com.zaxxer.hikari.HikariDataSource dataSource, CommitSignal signal);

  /** A lock that elects one leader among the processes sharing this database. */
  LeaderLock leaderLock(com.zaxxer.hikari.HikariDataSource dataSource, String name);

  /**
   * Whether one prepared statement may hold several SQL statements (joined by {@code ;}), sent to
   * the server in one round trip.
   */
  boolean sendsStatementsTogether();

  /**
   * Run outside a transaction once secrets were sealed in place, so that no page of the database
   * still holds the cleartext rows they replaced.
   */
  List<String> compactAfterSealingSql();

  /**
   * Run first in a transaction whose commit need not wait for the disk (the replay ledger's); null
   * where commits do not wait anyway.
   */
  String relaxedCommitSql();

  /**
   * {@code column} compared byte by byte (as SQLite always does), whatever the database's
   * collation: for an ORDER BY that both databases, and Java's String order on ASCII names, agree
   * on, and for the index that serves it.
   */
  String bytewise(String column);

  /**
   * What follows a table's name in a FROM clause to make the query use {@code index}: SQLite's
   * planner prefers a table's primary key for a count, and reads every row's body then;
   * PostgreSQL's weighs the partial index itself.
   */
  String indexedBy(String index);

  /** Whether the failure is a primary key or unique constraint violation. */
  boolean isUniqueViolation(SQLException e);
}
