package dev.gryt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * {@link ReplayLedger} on the {@code seen_signatures} table, on SQLite and PostgreSQL alike.
 *
 * <p>Every signed request adds a row, so the rows of concurrent requests share one statement and
 * one transaction ({@link WriteCombiner}, as resource writes do, but apart from them: a ledger
 * entry takes no resourceVersion): {@code INSERT ... ON CONFLICT DO NOTHING RETURNING} says which
 * were new. On PostgreSQL the ledger's commits do not wait for the WAL flush: a database crash may
 * forget the last few milliseconds of sightings, which a replay inside the window could then pass.
 * Expired rows are deleted at most once a minute, by whichever batch comes first.
 */
final class SqlReplayLedger implements ReplayLedger {
  private static final int MAX_BATCH = 64;
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Lock writeLock;
  private final Clock clock;
  private final WriteCombiner<Sighting> combiner = new WriteCombiner<>(MAX_BATCH);
  private Instant nextSweep = Instant.MIN;

  private static final class Sighting extends WriteCombiner.Entry {
    final String signature;
    final long expiresAt;
    boolean first;
    RuntimeException failure;

    Sighting(String signature, long expiresAt) {
      this.signature = signature;
      this.expiresAt = expiresAt;
    }
  }

  SqlReplayLedger(DataSource dataSource, SqlDialect dialect, Lock writeLock, Clock clock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.writeLock = writeLock;
    this.clock = clock;
  }

  @Override
  public boolean firstSighting(String signature, Instant expiresAt) {
    Sighting sighting = new Sighting(signature, expiresAt.toEpochMilli());
    combiner.submit(sighting, this::record);
    if (sighting.failure != null) {
      throw sighting.failure;
    }
    return sighting.first;
  }

  private void record(List<Sighting> batch) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      writeLock.lock();
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        if (dialect.relaxedCommitSql() != null) {
          try (Statement statement = connection.createStatement()) {
            statement.execute(dialect.relaxedCommitSql());
          }
        }
        sweep(connection);
        Set<String> inserted = insert(connection, batch);
        connection.commit();
        for (Sighting sighting : batch) {
          // Two of one batch with the same signature: the first in line is the first sighting.
          sighting.first = inserted.remove(sighting.signature);
        }
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      StoreException failure =
          new StoreException(
              dialect.displayName() + " store could not record signed requests: " + e.getMessage(),
              e);
      batch.forEach(sighting -> sighting.failure = failure);
    } catch (RuntimeException e) {
      batch.forEach(sighting -> sighting.failure = e);
    } finally {
      if (serialize) {
        writeLock.unlock();
      }
    }
  }

  private static Set<String> insert(Connection connection, List<Sighting> batch)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("INSERT INTO seen_signatures (signature, expires_at) VALUES ");
    for (int i = 0; i < batch.size(); i++) {
      sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    sql.append(" ON CONFLICT (signature) DO NOTHING RETURNING signature");
    Set<String> inserted = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int i = 1;
      for (Sighting sighting : batch) {
        statement.setString(i++, sighting.signature);
        statement.setLong(i++, sighting.expiresAt);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          inserted.add(rows.getString(1));
        }
      }
    }
    return inserted;
  }

  /** Deletes expired rows, at most once per {@link #SWEEP_EVERY} in this process. */
  private void sweep(Connection connection) throws SQLException {
    Instant now = clock.instant();
    if (now.isBefore(nextSweep)) {
      return;
    }
    nextSweep = now.plus(SWEEP_EVERY);
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM seen_signatures WHERE expires_at < ?")) {
      statement.setLong(1, now.toEpochMilli());
      statement.executeUpdate();
    }
  }
}
