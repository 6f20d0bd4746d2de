package dev.gryt.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ReleaseStore} on the same SQL database (SQLite or PostgreSQL) as the resources. */
final class SqlReleaseStore implements ReleaseStore {
  private static final String GENERATION_COLUMNS =
      "id, account_id, version, description, changes, status, promoted_by, promoted_at,"
          + " created_at, updated_at, client_id, pipeline_template";
  private static final String EVOLUTION_COLUMNS =
      "id, account_id, generation_id, change_id, code_name, status, pipeline, started_at,"
          + " completed_at, created_at, updated_at, client_id, tag, pipeline_run_id, created_by";
  private static final String PROOF_RUN_COLUMNS =
      "account_id, pipeline_id, name, status, started_at, ended_at, body, created_at, updated_at";
  private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SqlReleaseStore(DataSource dataSource, SqlDialect dialect, Clock clock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Generation createGeneration(Generation g) {
    String now = now();
    Generation stored =
        new Generation(
            newId("gen-"),
            g.accountId(),
            g.version(),
            g.description(),
            g.changesJson(),
            g.status(),
            g.promotedBy(),
            g.promotedAt(),
            now,
            now,
            g.clientId(),
            g.pipelineTemplate());
    write(
        "create generation " + g.version(),
        "INSERT INTO generations ("
            + GENERATION_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s -> {
          bindGeneration(s, stored);
          s.executeUpdate();
        },
        "generation " + g.version() + " already exists");
    return stored;
  }

  @Override
  public Optional<Generation> generation(String accountId, String id) {
    return read(
            "SELECT " + GENERATION_COLUMNS + " FROM generations WHERE account_id = ? AND id = ?",
            SqlReleaseStore::generationOf,
            accountId,
            id)
        .stream()
        .findFirst();
  }

  @Override
  public List<Generation> generations(String accountId, String version) {
    return version == null
        ? read(
            "SELECT "
                + GENERATION_COLUMNS
                + " FROM generations WHERE account_id = ? ORDER BY created_at, id",
            SqlReleaseStore::generationOf,
            accountId)
        : read(
            "SELECT "
                + GENERATION_COLUMNS
                + " FROM generations WHERE account_id = ? AND version = ? ORDER BY created_at, id",
            SqlReleaseStore::generationOf,
            accountId,
            version);
  }

  @Override
  public Generation updateGeneration(Generation g) {
    Generation before =
        generation(g.accountId(), g.id())
            .orElseThrow(() -> new NotFoundException("generation " + g.id() + " not found"));
    Generation stored =
        new Generation(
            g.id(),
            g.accountId(),
            g.version(),
            g.description(),
            g.changesJson(),
            g.status(),
            g.promotedBy(),
            g.promotedAt(),
            before.createdAt(),
            now(),
            g.clientId(),
            g.pipelineTemplate());
    int updated =
        write(
            "update generation " + g.id(),
            "UPDATE generations SET version = ?, description = ?, changes = ?, status = ?,"
                + " promoted_by = ?, promoted_at = ?, updated_at = ?, client_id = ?,"
                + " pipeline_template = ? WHERE account_id = ? AND id = ?",
            s -> {
              s.setString(1, stored.version());
              s.setString(2, stored.description());
              s.setString(3, stored.changesJson());
              s.setString(4, stored.status());
              s.setString(5, stored.promotedBy());
              s.setString(6, stored.promotedAt());
              s.setString(7, stored.updatedAt());
              s.setString(8, stored.clientId());
              s.setString(9, stored.pipelineTemplate());
              s.setString(10, stored.accountId());
              s.setString(11, stored.id());
              return s.executeUpdate();
            },
            "generation " + g.version() + " already exists");
    if (updated == 0) {
      throw new NotFoundException("generation " + g.id() + " not found");
    }
    return stored;
  }

  @Override
  public boolean deleteGeneration(String accountId, String id) {
    return inTransaction(
        "delete generation " + id,
        connection -> {
          try (PreparedStatement s =
              connection.prepareStatement(
                  "DELETE FROM evolutions WHERE account_id = ? AND generation_id = ?")) {
            s.setString(1, accountId);
            s.setString(2, id);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              connection.prepareStatement(
                  "DELETE FROM generations WHERE account_id = ? AND id = ?")) {
            s.setString(1, accountId);
            s.setString(2, id);
            return s.executeUpdate() > 0;
          }
        });
  }

  @Override
  public Evolution createEvolution(Evolution e) {
    String now = now();
    Evolution stored =
        new Evolution(
            newId("evo-"),
            e.accountId(),
            e.generationId(),
            e.changeId(),
            e.codeName(),
            e.status(),
            e.pipeline(),
            e.startedAt() == null ? now : e.startedAt(),
            e.completedAt(),
            now,
            now,
            e.clientId(),
            e.tag(),
            e.pipelineRunId(),
            e.createdBy());
    write(
        "create evolution " + e.codeName(),
        "INSERT INTO evolutions ("
            + EVOLUTION_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s -> {
          s.setString(1, stored.id());
          s.setString(2, stored.accountId());
          s.setString(3, stored.generationId());
          s.setString(4, stored.changeId());
          s.setString(5, stored.codeName());
          s.setString(6, stored.status());
          s.setString(7, stored.pipeline());
          s.setString(8, stored.startedAt());
          s.setString(9, stored.completedAt());
          s.setString(10, stored.createdAt());
          s.setString(11, stored.updatedAt());
          s.setString(12, stored.clientId());
          s.setString(13, stored.tag());
          s.setString(14, stored.pipelineRunId());
          s.setString(15, stored.createdBy());
          s.executeUpdate();
        },
        "evolution " + e.codeName() + " already exists");
    return stored;
  }

  @Override
  public Optional<Evolution> evolution(String accountId, String id) {
    return read(
            "SELECT " + EVOLUTION_COLUMNS + " FROM evolutions WHERE account_id = ? AND id = ?",
            SqlReleaseStore::evolutionOf,
            accountId,
            id)
        .stream()
        .findFirst();
  }

  @Override
  public List<Evolution> evolutions(String accountId, String generationId) {
    return generationId == null
        ? read(
            "SELECT "
                + EVOLUTION_COLUMNS
                + " FROM evolutions WHERE account_id = ? ORDER BY created_at, id",
            SqlReleaseStore::evolutionOf,
            accountId)
        : read(
            "SELECT "
                + EVOLUTION_COLUMNS
                + " FROM evolutions WHERE account_id = ? AND generation_id = ?"
                + " ORDER BY created_at, id",
            SqlReleaseStore::evolutionOf,
            accountId,
            generationId);
  }

  @Override
  public Evolution updateEvolution(Evolution e) {
    Evolution before =
        evolution(e.accountId(), e.id())
            .orElseThrow(() -> new NotFoundException("evolution " + e.id() + " not found"));
    Evolution stored =
        new Evolution(
            before.id(),
            before.accountId(),
            before.generationId(),
            before.changeId(),
            before.codeName(),
            e.status(),
            e.pipeline(),
            before.startedAt(),
            e.completedAt(),
            before.createdAt(),
            now(),
            before.clientId(),
            before.tag(),
            e.pipelineRunId(),
            before.createdBy());
    write(
        "update evolution " + e.id(),
        "UPDATE evolutions SET status = ?, pipeline = ?, completed_at = ?, updated_at = ?,"
            + " pipeline_run_id = ? WHERE account_id = ? AND id = ?",
        s -> {
          s.setString(1, stored.status());
          s.setString(2, stored.pipeline());
          s.setString(3, stored.completedAt());
          s.setString(4, stored.updatedAt());
          s.setString(5, stored.pipelineRunId());
          s.setString(6, stored.accountId());
          s.setString(7, stored.id());
          return s.executeUpdate();
        },
        null);
    return stored;
  }

  @Override
  public boolean deleteEvolution(String accountId, String id) {
    int deleted =
        write(
            "delete evolution " + id,
            "DELETE FROM evolutions WHERE account_id = ? AND id = ?",
            s -> {
              s.setString(1, accountId);
              s.setString(2, id);
              return s.executeUpdate();
            },
            null);
    return deleted > 0;
  }

  @Override
  public ProofRun putProofRun(ProofRun run) {
    String now = now();
    // One statement: a new row, or the same (account, pipeline_id) replaced but its created_at.
    String createdAt =
        write(
            "store proof run " + run.pipelineId(),
            "INSERT INTO pipeline_runs ("
                + PROOF_RUN_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, pipeline_id) DO"
                + " UPDATE SET name = excluded.name, status = excluded.status, started_at ="
                + " excluded.started_at, ended_at = excluded.ended_at, body = excluded.body,"
                + " updated_at = excluded.updated_at RETURNING created_at",
            s -> {
              s.setString(1, run.accountId());
              s.setString(2, run.pipelineId());
              s.setString(3, run.name());
              s.setString(4, run.status());
              s.setString(5, run.startedAt());
              s.setString(6, run.endedAt());
              s.setString(7, run.bodyJson());
              s.setString(8, now);
              s.setString(9, now);
              try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getString(1);
              }
            },
            null);
    return new ProofRun(
        run.accountId(),
        run.pipelineId(),
        run.name(),
        run.status(),
        run.startedAt(),
        run.endedAt(),
        run.bodyJson(),
        createdAt,
        now);
  }

  @Override
  public Optional<ProofRun> proofRun(String accountId, String pipelineId) {
    return read(
            "SELECT "
                + PROOF_RUN_COLUMNS
                + " FROM pipeline_runs WHERE account_id = ? AND pipeline_id = ?",
            SqlReleaseStore::proofRunOf,
            accountId,
            pipelineId)
        .stream()
        .findFirst();
  }

  @Override
  public List<ProofRun> proofRuns(String accountId, int limit) {
    return read(
        "SELECT "
            + PROOF_RUN_COLUMNS
            + " FROM pipeline_runs WHERE account_id = ?"
            + " ORDER BY created_at DESC, pipeline_id DESC LIMIT "
            + Math.max(0, limit),
        SqlReleaseStore::proofRunOf,
        accountId);
  }

  @Override
  public int pruneProofRuns(String accountId, int keep) {
    return write(
        "prune proof runs",
        "DELETE FROM pipeline_runs WHERE account_id = ? AND pipeline_id NOT IN (SELECT pipeline_id"
            + " FROM pipeline_runs WHERE account_id = ? ORDER BY created_at DESC, pipeline_id DESC"
            + " LIMIT ?)",
        s -> {
          s.setString(1, accountId);
          s.setString(2, accountId);
          s.setInt(3, Math.max(0, keep));
          return s.executeUpdate();
        },
        null);
  }

  // ---------------------------------------------------------------- helpers

  private String now() {
    return Instant.now(clock).toString();
  }

  private String newId(String prefix) {
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; i < 10; i++) {
      id.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
    }
    return id.toString();
  }

  private static void bindGeneration(PreparedStatement s, Generation g) throws SQLException {
    s.setString(1, g.id());
    s.setString(2, g.accountId());
    s.setString(3, g.version());
    s.setString(4, g.description());
    s.setString(5, g.changesJson());
    s.setString(6, g.status());
    s.setString(7, g.promotedBy());
    s.setString(8, g.promotedAt());
    s.setString(9, g.createdAt());
    s.setString(10, g.updatedAt());
    s.setString(11, g.clientId());
    s.setString(12, g.pipelineTemplate());
  }

  private static Generation generationOf(ResultSet r) throws SQLException {
    return new Generation(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        r.getString(9),
        r.getString(10),
        r.getString(11),
        r.getString(12));
  }

  private static Evolution evolutionOf(ResultSet r) throws SQLException {
    return new Evolution(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        r.getString(9),
        r.getString(10),
        r.getString(11),
        r.getString(12),
        r.getString(13),
        r.getString(14),
        r.getString(15));
  }

  private static ProofRun proofRunOf(ResultSet r) throws SQLException {
    return new ProofRun(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        r.getString(9));
  }

  private interface RowMapper<T> {
    T map(ResultSet rows) throws SQLException;
  }

  private interface StatementWork<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  private interface StatementAction {
    void run(PreparedStatement statement) throws SQLException;
  }

  private interface ConnectionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> List<T> read(String sql, RowMapper<T> mapper, String... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement s = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      List<T> found = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          found.add(mapper.map(rows));
        }
      }
      return found;
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  private void write(String action, String sql, StatementAction work, String duplicateMessage) {
    write(
        action,
        sql,
        s -> {
          work.run(s);
          return 0;
        },
        duplicateMessage);
  }

  private <T> T write(String action, String sql, StatementWork<T> work, String duplicateMessage) {
    try {
      return inTransaction(
          action,
          connection -> {
            try (PreparedStatement s = connection.prepareStatement(sql)) {
              return work.run(s);
            }
          });
    } catch (UniqueViolation e) {
      throw new AlreadyExistsException(
          duplicateMessage == null ? e.getMessage() : duplicateMessage);
    }
  }

  /** Carries a unique violation out of the transaction, which has been rolled back by then. */
  private static final class UniqueViolation extends RuntimeException {
    UniqueViolation(String message) {
      super(message);
    }
  }

  private <T> T inTransaction(String action, ConnectionWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException e) {
        connection.rollback();
        if (dialect.isUniqueViolation(e)) {
          throw new UniqueViolation(action + ": already exists");
        }
        throw e;
      } catch (RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(action, e);
    }
  }

  private StoreException failure(String action, SQLException e) {
    return new StoreException(
        dialect.displayName() + " store could not " + action + ": " + e.getMessage(), e);
  }
}
