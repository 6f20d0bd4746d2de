package dev.gryt.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this process's watches when another process commits to the same PostgreSQL database: every
 * commit sends {@code NOTIFY gryt_events} with its resourceVersion, and this thread waits on {@code
 * LISTEN gryt_events} — blocked on its socket, not polling.
 */
final class PostgresCommitListener implements AutoCloseable {
  static final String CHANNEL = "gryt_events";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresCommitListener.class);

  private final HikariDataSource dataSource;
  private final CommitSignal signal;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection connection;

  PostgresCommitListener(HikariDataSource dataSource, CommitSignal signal) {
    this.dataSource = dataSource;
    this.signal = signal;
    this.thread = new Thread(this::run, "gryt-pg-listen");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    long backoffMillis = 100;
    while (running) {
      try (Connection c =
          DriverManager.getConnection(
              dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword())) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
          // Whatever was committed while nobody listened: wake watches up to the latest version.
          try (var rs = s.executeQuery("SELECT value FROM resource_version_counter WHERE id = 1")) {
            if (rs.next()) {
              signal.committed(rs.getLong(1));
            }
          }
        }
        backoffMillis = 100;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notes = pg.getNotifications(30_000);
          if (notes == null) {
            continue;
          }
          long latest = 0;
          for (PGNotification n : notes) {
            try {
              latest = Math.max(latest, Long.parseLong(n.getParameter()));
            } catch (NumberFormatException ignored) {
              // not one of ours
            }
          }
          signal.committed(latest);
        }
      } catch (SQLException e) {
        if (!running) {
          return;
        }
        LOG.warn("LISTEN connection failed ({}); retrying in {} ms", e.getMessage(), backoffMillis);
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMillis = Math.min(backoffMillis * 2, 10_000);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing wakes the thread either way
      }
    }
    thread.interrupt();
  }
}
