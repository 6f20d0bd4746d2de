package dev.gryt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReplayLedger} on the {@code seen_signatures} table, on SQLite and PostgreSQL alike.
 *
 * <p>Every signed request adds a row, so rows share statements and transactions: {@code INSERT ...
 * ON CONFLICT DO NOTHING RETURNING} says which were new. Concurrent {@link #firstSighting} calls
 * share one ({@link WriteCombiner}, as resource writes do, but apart from them: a ledger entry
 * takes no resourceVersion); {@link #firstSightingOfRead} entries are gathered for {@link
 * #WRITE_DELAY} by a writer thread of the ledger's own, started with the first of them and stopped
 * by {@link #close}. Measured with 50 clients of signed reads, one transaction per request (even
 * shared) cost 80 to 150 us of server CPU per read, most of the read's cost; gathered for 5 ms they
 * cost a few. On PostgreSQL the ledger's commits do not wait for the WAL flush: a database crash
 * may forget the last few milliseconds of sightings, which a replay inside the window could then
 * pass. Expired rows are deleted at most once a minute, by whichever batch comes first.
 */
final class SqlReplayLedger implements ReplayLedger {
  private static final Logger LOG = LoggerFactory.getLogger(SqlReplayLedger.class);
  private static final int MAX_BATCH = 64;
  private static final int MAX_GATHERED = 1_000;
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Lock writeLock;
  private final Clock clock;
  private final WriteCombiner<Sighting> combiner = new WriteCombiner<>(MAX_BATCH);
  private volatile Instant nextSweep = Instant.MIN;

  /** Guards the gathered {@link #sighted} entries and the writer's state. */
  private final Object gathered = new Object();

  private final List<Sighting> pending = new ArrayList<>();
  private long requested;
  private long written;
  private boolean flushAsked;
  private boolean closed;
  private Thread writer;

  private static final class Sighting extends WriteCombiner.Entry {
    final String signature;
    final long expiresAt;
    final String key;
    boolean first;
    RuntimeException failure;

    Sighting(String signature, long expiresAt) {
      this.signature = signature;
      this.expiresAt = expiresAt;
      this.key = key(signature, expiresAt);
    }
  }

  /**
   * The row's key: the signature behind its expiry time, so that keys grow with time. Signatures
   * are random; as keys they put each insert on another page of a table that holds every request of
   * the window (millions of rows): measured with 50 clients of signed reads, the ledger's writes
   * cost more CPU than the reads it guarded. Ordered by time, a batch of inserts lands on the last
   * few pages. A replay carries the same timestamp, hence the same expiry and the same key.
   */
  static String key(String signature, long expiresAt) {
    // String.format cost 4% of a signed read's server CPU.
    String hex = Long.toHexString(expiresAt);
    StringBuilder key = new StringBuilder(14 + signature.length());
    for (int i = hex.length(); i < 13; i++) {
      key.append('0');
    }
    return key.append(hex).append('/').append(signature).toString();
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

  @Override
  public boolean firstSightingOfRead(String signature, Instant expiresAt) {
    Sighting sighting = new Sighting(signature, expiresAt.toEpochMilli());
    if (written(sighting.key)) {
      return false;
    }
    synchronized (gathered) {
      if (closed) {
        throw new StoreException("the store is closed");
      }
      pending.add(sighting);
      requested++;
      if (writer == null) {
        writer = new Thread(this::writeGathered, "gryt-replay-ledger");
        writer.setDaemon(true);
        writer.start();
      } else if (pending.size() == 1 || pending.size() >= MAX_GATHERED) {
        gathered.notifyAll();
      }
    }
    return true;
  }

  private boolean written(String key) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT 1 FROM seen_signatures WHERE signature = ?")) {
      statement.setString(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new StoreException(
          dialect.displayName() + " store could not read signed requests: " + e.getMessage(), e);
    }
  }

  @Override
  public void flush() {
    boolean interrupted = false;
    synchronized (gathered) {
      long upTo = requested;
      flushAsked = true;
      gathered.notifyAll();
      while (written < upTo && writer != null && writer.isAlive()) {
        try {
          gathered.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is gathered, then stops the writer; later reads' sightings fail. */
  void close() {
    Thread running;
    synchronized (gathered) {
      closed = true;
      gathered.notifyAll();
      running = writer;
    }
    if (running != null) {
      try {
        running.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The writer thread: waits for entries, gathers them for {@link #WRITE_DELAY}, writes them. */
  private void writeGathered() {
    while (true) {
      List<Sighting> batch;
      synchronized (gathered) {
        try {
          while (pending.isEmpty() && !closed) {
            gathered.wait();
          }
          long deadline = System.nanoTime() + WRITE_DELAY.toNanos();
          long left;
          while (!flushAsked
              && !closed
              && pending.size() < MAX_GATHERED
              && (left = deadline - System.nanoTime()) > 0) {
            gathered.wait(left / 1_000_000, (int) (left % 1_000_000));
          }
        } catch (InterruptedException e) {
          closed = true;
        }
        if (pending.isEmpty()) {
          gathered.notifyAll();
          return;
        }
        int take = Math.min(MAX_GATHERED, pending.size());
        batch = new ArrayList<>(pending.subList(0, take));
        pending.subList(0, take).clear();
      }
      record(batch);
      for (Sighting sighting : batch) {
        if (sighting.failure != null) {
          LOG.warn(
              "{} signed reads went unrecorded in the replay ledger: {}",
              batch.size(),
              sighting.failure.getMessage());
          break;
        }
        if (!sighting.first) {
          // Not seen here (this server's memory checks first), nor written when looked up.
          LOG.warn(
              "a signed read of API key {} reached more than one server before its replay-ledger"
                  + " entry was written (within {} ms): the copy was served",
              keyId(sighting.signature),
              WRITE_DELAY.toMillis());
        }
      }
      synchronized (gathered) {
        written += batch.size();
        if (written == requested) {
          flushAsked = false;
        }
        gathered.notifyAll();
      }
    }
  }

  private static String keyId(String signature) {
    int colon = signature.indexOf(':');
    return colon < 0 ? "?" : signature.substring(0, colon);
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
          sighting.first = inserted.remove(sighting.key);
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
        statement.setString(i++, sighting.key);
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
