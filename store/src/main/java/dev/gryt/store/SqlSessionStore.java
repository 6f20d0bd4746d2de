package dev.gryt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/** {@link SessionStore} on the {@code dashboard_sessions} table, on SQLite and PostgreSQL alike. */
final class SqlSessionStore implements SessionStore {
  private static final String COLUMNS =
      "token_hash, account_id, kind, team, created_at, expires_at";

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Lock writeLock;

  SqlSessionStore(DataSource dataSource, SqlDialect dialect, Lock writeLock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.writeLock = writeLock;
  }

  @Override
  public void create(Session s) {
    write(
        "store a session",
        "INSERT INTO dashboard_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
        st -> {
          st.setString(1, s.tokenHash());
          st.setString(2, s.accountId());
          st.setString(3, s.kind());
          st.setString(4, s.team());
          st.setString(5, s.createdAt().toString());
          st.setLong(6, s.expiresAt().toEpochMilli());
        },
        true);
  }

  @Override
  public Optional<Session> session(String tokenHash) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM dashboard_sessions WHERE token_hash = ? AND kind = ?")) {
      s.setString(1, tokenHash);
      s.setString(2, Session.SESSION);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(session(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read a session", e);
    }
  }

  @Override
  public Optional<Session> consumeLink(String tokenHash) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      writeLock.lock();
    }
    // DELETE ... RETURNING on both databases: the row goes to whichever statement deleted it.
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM dashboard_sessions WHERE token_hash = ? AND kind = ? RETURNING "
                    + COLUMNS)) {
      s.setString(1, tokenHash);
      s.setString(2, Session.LINK);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(session(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("use a sign-in link", e);
    } finally {
      if (serialize) {
        writeLock.unlock();
      }
    }
  }

  @Override
  public boolean actFor(String tokenHash, String team) {
    return write(
            "switch a session's team",
            "UPDATE dashboard_sessions SET team = ? WHERE token_hash = ? AND kind = 'session'",
            s -> {
              s.setString(1, team);
              s.setString(2, tokenHash);
            },
            false)
        == 1;
  }

  @Override
  public boolean delete(String tokenHash) {
    return write(
            "end a session",
            "DELETE FROM dashboard_sessions WHERE token_hash = ?",
            s -> s.setString(1, tokenHash),
            false)
        == 1;
  }

  @Override
  public int deleteExpired(Instant now) {
    return write(
        "delete expired sessions",
        "DELETE FROM dashboard_sessions WHERE expires_at <= ?",
        s -> s.setLong(1, now.toEpochMilli()),
        false);
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private int write(String action, String sql, Binder binder, boolean unique) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      writeLock.lock();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      return s.executeUpdate();
    } catch (SQLException e) {
      if (unique && dialect.isUniqueViolation(e)) {
        throw new AlreadyExistsException("the session token is taken");
      }
      throw failure(action, e);
    } finally {
      if (serialize) {
        writeLock.unlock();
      }
    }
  }

  private StoreException failure(String action, SQLException e) {
    return new StoreException(
        dialect.displayName() + " store could not " + action + ": " + e.getMessage(), e);
  }

  private static Session session(ResultSet r) throws SQLException {
    return new Session(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        Instant.parse(r.getString(5)),
        Instant.ofEpochMilli(r.getLong(6)));
  }
}
