package dev.gryt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/** {@link AccountStore} on the tables of migrations 3 and 8, on SQLite and PostgreSQL alike. */
final class SqlAccountStore implements AccountStore {
  private static final String ACCOUNT_COLUMNS =
      "id, username, password_hash, tenant_prefix, created_at, disabled_at";
  private static final String KEY_COLUMNS =
      "key_id, account_id, name, sealed_secret, created_at, expires_at, revoked_at";

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Lock writeLock;
  private final SqlReplayLedger replays;
  private final SqlSessionStore sessions;

  /**
   * @param writeLock held around every write where the dialect serializes writes in process
   */
  SqlAccountStore(DataSource dataSource, SqlDialect dialect, Lock writeLock, Clock clock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.writeLock = writeLock;
    this.replays = new SqlReplayLedger(dataSource, dialect, writeLock, clock);
    this.sessions = new SqlSessionStore(dataSource, dialect, writeLock);
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public ReplayLedger replayLedger() {
    return replays;
  }

  /** Writes the replay ledger's gathered entries and stops its writer. */
  void close() {
    replays.close();
  }

  @Override
  public Account createAccount(Account a) {
    int rows =
        write(
            "create account " + a.username(),
            "INSERT INTO accounts (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
            s -> {
              s.setString(1, a.id());
              s.setString(2, a.username());
              s.setString(3, a.passwordHash());
              s.setString(4, a.tenantPrefix());
              s.setString(5, a.createdAt().toString());
              s.setString(6, a.disabledAt() == null ? null : a.disabledAt().toString());
            },
            "account " + a.username() + " already exists");
    return rows == 1 ? a : null;
  }

  @Override
  public Optional<Account> accountByUsername(String username) {
    return readOne(
        "SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE username = ?",
        username,
        SqlAccountStore::account);
  }

  @Override
  public Optional<Account> accountById(String id) {
    return readOne(
        "SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE id = ?", id, SqlAccountStore::account);
  }

  @Override
  public List<Account> listAccounts() {
    return readAll(
        "list accounts",
        "SELECT " + ACCOUNT_COLUMNS + " FROM accounts ORDER BY username",
        List.of(),
        SqlAccountStore::account);
  }

  @Override
  public boolean disableAccount(String accountId, Instant at) {
    return write(
            "disable an account",
            "UPDATE accounts SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
            s -> {
              s.setString(1, at.toString());
              s.setString(2, accountId);
            },
            null)
        == 1;
  }

  @Override
  public boolean changePasswordHash(String accountId, String passwordHash) {
    return write(
            "change a password",
            "UPDATE accounts SET password_hash = ? WHERE id = ?",
            s -> {
              s.setString(1, passwordHash);
              s.setString(2, accountId);
            },
            null)
        == 1;
  }

  @Override
  public ApiKey createApiKey(ApiKey k) {
    write(
        "create an API key",
        "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
        s -> {
          s.setString(1, k.keyId());
          s.setString(2, k.accountId());
          s.setString(3, k.name());
          s.setString(4, k.sealedSecret());
          s.setString(5, k.createdAt().toString());
          s.setString(6, k.expiresAt() == null ? null : k.expiresAt().toString());
          s.setString(7, k.revokedAt() == null ? null : k.revokedAt().toString());
        },
        "API key " + k.keyId() + " already exists");
    return k;
  }

  @Override
  public Optional<ApiKey> apiKey(String keyId) {
    return readOne(
        "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_id = ?", keyId, SqlAccountStore::key);
  }

  @Override
  public List<ApiKey> apiKeys(String accountId) {
    return readAll(
        "list API keys",
        "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE account_id = ? ORDER BY created_at, key_id",
        List.of(accountId),
        SqlAccountStore::key);
  }

  @Override
  public boolean revokeApiKey(String accountId, String keyId, Instant at) {
    return write(
            "revoke an API key",
            "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND account_id = ?"
                + " AND revoked_at IS NULL",
            s -> {
              s.setString(1, at.toString());
              s.setString(2, keyId);
              s.setString(3, accountId);
            },
            null)
        == 1;
  }

  // ---------------------------------------------------------------- teams

  private static final String TEAM_COLUMNS = "id, name, tenant_prefix, created_by, created_at";
  private static final String MEMBER_SELECT =
      "SELECT m.team_id, m.account_id, a.username, m.role, m.added_at FROM team_members m"
          + " JOIN accounts a ON a.id = m.account_id";

  @Override
  public Team createTeam(Team t) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      writeLock.lock();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement team =
              c.prepareStatement(
                  "INSERT INTO teams (" + TEAM_COLUMNS + ") VALUES (?, ?, ?, ?, ?)");
          PreparedStatement owner =
              c.prepareStatement(
                  "INSERT INTO team_members (team_id, account_id, role, added_at)"
                      + " VALUES (?, ?, ?, ?)")) {
        team.setString(1, t.id());
        team.setString(2, t.name());
        team.setString(3, t.tenantPrefix());
        team.setString(4, t.createdBy());
        team.setString(5, t.createdAt().toString());
        team.executeUpdate();
        owner.setString(1, t.id());
        owner.setString(2, t.createdBy());
        owner.setString(3, Team.Role.OWNER.wire());
        owner.setString(4, t.createdAt().toString());
        owner.executeUpdate();
        c.commit();
        return t;
      } catch (SQLException e) {
        c.rollback();
        if (dialect.isUniqueViolation(e)) {
          throw new AlreadyExistsException("team " + t.name() + " already exists");
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure("create team " + t.name(), e);
    } finally {
      if (serialize) {
        writeLock.unlock();
      }
    }
  }

  @Override
  public Optional<Team> teamByName(String name) {
    return readOne(
        "SELECT " + TEAM_COLUMNS + " FROM teams WHERE name = ?", name, SqlAccountStore::team);
  }

  @Override
  public List<Team> teamsOf(String accountId) {
    return readAll(
        "read teams",
        "SELECT t.id, t.name, t.tenant_prefix, t.created_by, t.created_at FROM teams t"
            + " JOIN team_members m ON m.team_id = t.id WHERE m.account_id = ? ORDER BY t.name",
        List.of(accountId),
        SqlAccountStore::team);
  }

  @Override
  public List<Team.Member> members(String teamId) {
    return readAll(
        "read team members",
        MEMBER_SELECT + " WHERE m.team_id = ? ORDER BY a.username",
        List.of(teamId),
        SqlAccountStore::member);
  }

  @Override
  public Optional<Team.Member> membership(String teamId, String accountId) {
    List<Team.Member> found =
        readAll(
            "read team members",
            MEMBER_SELECT + " WHERE m.team_id = ? AND m.account_id = ?",
            List.of(teamId, accountId),
            SqlAccountStore::member);
    return found.stream().findFirst();
  }

  @Override
  public Team.Member putMember(String teamId, String accountId, Team.Role role, Instant at) {
    int changed =
        write(
            "change a team member",
            "UPDATE team_members SET role = ? WHERE team_id = ? AND account_id = ?",
            s -> {
              s.setString(1, role.wire());
              s.setString(2, teamId);
              s.setString(3, accountId);
            },
            null);
    if (changed == 0) {
      write(
          "add a team member",
          "INSERT INTO team_members (team_id, account_id, role, added_at) VALUES (?, ?, ?, ?)",
          s -> {
            s.setString(1, teamId);
            s.setString(2, accountId);
            s.setString(3, role.wire());
            s.setString(4, at.toString());
          },
          "that account is already a member");
    }
    return membership(teamId, accountId)
        .orElseThrow(() -> new StoreException("team member vanished while being added"));
  }

  @Override
  public boolean removeMember(String teamId, String accountId) {
    return write(
            "remove a team member",
            "DELETE FROM team_members WHERE team_id = ? AND account_id = ?",
            s -> {
              s.setString(1, teamId);
              s.setString(2, accountId);
            },
            null)
        == 1;
  }

  private <T> List<T> readAll(
      String action, String sql, List<String> parameters, RowReader<T> reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        s.setString(i + 1, parameters.get(i));
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          out.add(reader.read(rows));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(action, e);
    }
  }

  private static Team team(ResultSet r) throws SQLException {
    return new Team(
        r.getString(1), r.getString(2), r.getString(3), r.getString(4), instant(r.getString(5)));
  }

  private static Team.Member member(ResultSet r) throws SQLException {
    return new Team.Member(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        Team.Role.valueOf(r.getString(4).toUpperCase(java.util.Locale.ROOT)),
        instant(r.getString(5)));
  }

  // ---------------------------------------------------------------- helpers

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private interface RowReader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  private int write(String action, String sql, Binder binder, String conflictMessage) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      writeLock.lock();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      return s.executeUpdate();
    } catch (SQLException e) {
      if (conflictMessage != null && dialect.isUniqueViolation(e)) {
        throw new AlreadyExistsException(conflictMessage);
      }
      throw failure(action, e);
    } finally {
      if (serialize) {
        writeLock.unlock();
      }
    }
  }

  private <T> Optional<T> readOne(String sql, String parameter, RowReader<T> reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read accounts", e);
    }
  }

  private StoreException failure(String action, SQLException e) {
    return new StoreException(
        dialect.displayName() + " store could not " + action + ": " + e.getMessage(), e);
  }

  private static Account account(ResultSet r) throws SQLException {
    return new Account(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        instant(r.getString(5)),
        instant(r.getString(6)));
  }

  private static ApiKey key(ResultSet r) throws SQLException {
    return new ApiKey(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        instant(r.getString(5)),
        instant(r.getString(6)),
        instant(r.getString(7)));
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
