package dev.gryt.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A session-level advisory lock held on a connection of its own (outside the pool): PostgreSQL
 * releases it the moment that session ends, which is what makes take-over fast when a leader dies.
 */
final class PostgresLeaderLock implements LeaderLock {
  private final HikariDataSource dataSource;
  private final long key;
  private Connection session;

  PostgresLeaderLock(HikariDataSource dataSource, String name) {
    this.dataSource = dataSource;
    // A fixed namespace in the high bits keeps gryt's locks apart from other applications'.
    this.key = (0x67727974L << 32) | (name.hashCode() & 0xffffffffL);
  }

  @Override
  public synchronized boolean tryAcquire() {
    try {
      if (session != null) {
        if (session.isValid(2)) {
          return true;
        }
        closeSession();
      }
      Connection c =
          DriverManager.getConnection(
              dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
      try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setLong(1, key);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next() && rs.getBoolean(1)) {
            session = c;
            return true;
          }
        }
      }
      c.close();
      return false;
    } catch (SQLException e) {
      closeSession();
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closeSession();
  }

  private void closeSession() {
    if (session != null) {
      try {
        session.close();
      } catch (SQLException ignored) {
        // the session is gone either way, and the lock with it
      }
      session = null;
    }
  }
}
