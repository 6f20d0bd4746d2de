package dev.gryt.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The unit of work the SQL stores share: {@link SqlResourceStore}, its {@link SqlTriggerStore} and
 * its {@link SqlRunLogStore} write through one of these, so that a delivery and the run it
 * triggers, or a run report's status and its logs, commit in one transaction, in resourceVersion
 * order with every other write.
 *
 * <p>Every write transaction first takes the one-row counter's lock ({@link Counter}); the counter
 * is stored once per transaction with the event log's compaction, and {@link #committed} wakes the
 * watches of this process.
 */
final class SqlTransactions {
  private final HikariDataSource dataSource;
  private final SqlDialect dialect;
  private final long eventRetention;
  private final ReentrantLock inProcessWriteLock = new ReentrantLock();
  private final CommitSignal commitSignal = new CommitSignal();
  private volatile boolean closed;

  /** A write inside a transaction that holds the counter. */
  interface Work<T> {
    T run(Connection connection, Counter counter) throws SQLException;
  }

  SqlTransactions(HikariDataSource dataSource, SqlDialect dialect, long eventRetention) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.eventRetention = eventRetention;
  }

  HikariDataSource dataSource() {
    return dataSource;
  }

  SqlDialect dialect() {
    return dialect;
  }

  /** Held by every write on a database that serializes its writers in process (SQLite). */
  ReentrantLock inProcessWriteLock() {
    return inProcessWriteLock;
  }

  CommitSignal signal() {
    return commitSignal;
  }

  /** Wakes this process's watches: versions up to {@code resourceVersion} are committed. */
  void committed(long resourceVersion) {
    commitSignal.committed(resourceVersion);
  }

  /** Marks the database closed; false when it already was. Reads and writes fail from now on. */
  boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  boolean isClosed() {
    return closed;
  }

  void ensureOpen() {
    if (closed) {
      throw new StoreException("the store is closed");
    }
  }

  /**
   * Runs {@code work} in a transaction that first takes the counter's lock, so that it is
   * serialized with every other write; commits, or rolls back and rethrows. Concurrent writes of
   * this process share transactions ({@link WriteCombiner}): a work may commit together with
   * others, but only when every one of them succeeded — when one fails, the batch is rolled back
   * and each runs again alone, so a failure never undoes or leaks into another's write.
   */
  <T> T write(String action, Work<T> work) {
    ensureOpen();
    PendingWrite<T> pending = new PendingWrite<>(action, work);
    writes.submit(pending, this::runWrites);
    return pending.outcome();
  }

  /** The most writes one transaction carries. */
  static final int MAX_WRITES_PER_TRANSACTION = 64;

  private final WriteCombiner<PendingWrite<?>> writes =
      new WriteCombiner<>(MAX_WRITES_PER_TRANSACTION);

  /** A queued write and, once run, its result or failure. */
  private static final class PendingWrite<T> extends WriteCombiner.Entry {
    final String action;
    final Work<T> work;
    T result;
    boolean ran;
    RuntimeException failure;

    PendingWrite(String action, Work<T> work) {
      this.action = action;
      this.work = work;
    }

    T outcome() {
      if (failure != null) {
        // Thrown on the caller's thread, whichever thread ran it: the caller's stack is the useful
        // one in a log; the original is kept as the cause when it was wrapped.
        throw failure;
      }
      if (!ran) {
        throw new StoreException("the store could not " + action + ": the write was not run");
      }
      return result;
    }
  }

  private void runWrites(List<PendingWrite<?>> batch) {
    if (batch.size() > 1 && transact(batch) == null) {
      return;
    }
    for (PendingWrite<?> pending : batch) {
      pending.failure = transact(List.of(pending));
    }
  }

  /**
   * Runs {@code writes} in one transaction: either all commit (each given its result) and null is
   * returned, or none does and the failure is returned (a database one named by the first write's
   * action).
   */
  private RuntimeException transact(List<PendingWrite<?>> writes) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      inProcessWriteLock.lock();
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      List<Object> results = new ArrayList<>(writes.size());
      try {
        Counter counter = lockCounter(connection);
        for (PendingWrite<?> pending : writes) {
          results.add(pending.work.run(connection, counter));
        }
        storeCounter(connection, counter);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      }
      for (int i = 0; i < writes.size(); i++) {
        complete(writes.get(i), results.get(i));
      }
      return null;
    } catch (SQLException e) {
      return failure(writes.get(0).action, e);
    } catch (RuntimeException e) {
      return e;
    } finally {
      if (serialize) {
        inProcessWriteLock.unlock();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(PendingWrite<T> pending, Object result) {
    pending.result = (T) result;
    pending.ran = true;
  }

  /**
   * The counter row as one transaction sees it: read (and locked) once, advanced in memory by each
   * write, stored once before the commit ({@link #storeCounter}), so that writes sharing a
   * transaction do not each update the row and notify.
   */
  static final class Counter {
    private final long read;
    private long value;
    private final long compactedThrough;

    Counter(long value, long compactedThrough) {
      this.read = value;
      this.value = value;
      this.compactedThrough = compactedThrough;
    }

    long value() {
      return value;
    }

    long compactedThrough() {
      return compactedThrough;
    }

    void advanceTo(long last) {
      value = Math.max(value, last);
    }

    boolean moved() {
      return value != read;
    }
  }

  /**
   * Stores the counter a transaction advanced, drops events beyond the retention, and tells other
   * processes: once per transaction, just before its commit.
   */
  private void storeCounter(Connection connection, Counter counter) throws SQLException {
    if (!counter.moved()) {
      return;
    }
    long compactedThrough = counter.compactedThrough();
    long oldestToDrop = counter.value() - eventRetention;
    if (oldestToDrop > compactedThrough) {
      try (PreparedStatement statement =
          connection.prepareStatement("DELETE FROM events WHERE resource_version <= ?")) {
        statement.setLong(1, oldestToDrop);
        statement.executeUpdate();
      }
      compactedThrough = oldestToDrop;
    }
    try (PreparedStatement statement = connection.prepareStatement(dialect.storeCounterSql())) {
      statement.setLong(1, counter.value());
      statement.setLong(2, compactedThrough);
      statement.execute();
    }
  }

  private Counter lockCounter(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(dialect.lockCounterSql())) {
      rows.next();
      return new Counter(rows.getLong(1), rows.getLong(2));
    }
  }

  /** Whether the failure (or one chained to it) is a unique-key violation. */
  boolean isUniqueViolation(SQLException e) {
    for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
      if (dialect.isUniqueViolation(cause)) {
        return true;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The original failure is what the caller needs; the pool discards a broken connection.
    }
  }

  /** A read on one statement. */
  interface Query<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  <T> T query(String sql, Query<T> work) {
    ensureOpen();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      return work.run(statement);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  /** A database failure as the store reports it. */
  StoreException failure(String action, SQLException e) {
    return new StoreException(
        dialect.displayName() + " store could not " + action + ": " + e.getMessage(), e);
  }
}
