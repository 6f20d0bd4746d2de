package dev.gryt.cli.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceCodec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and writes generations, changes and evolutions in {@code gryt.db}. */
public final class LocalStore {
  private static final String GENERATION_COLUMNS =
      "id, version, description, status, promoted_by, promoted_at, tag, created_at, updated_at,"
          + " sync_status, remote_id, sync_error";
  private static final String EVOLUTION_COLUMNS =
      "id, code_name, generation_id, change_id, status, pipeline, run_id, started_at,"
          + " completed_at, sync_status, remote_id, sync_error";

  private final LocalDatabase db;

  public LocalStore(LocalDatabase db) {
    this.db = db;
  }

  public LocalDatabase database() {
    return db;
  }

  // ------------------------------------------------------------------ generations

  public Optional<LocalGeneration> generation(String version) {
    List<LocalGeneration> found =
        generations(
            "SELECT " + GENERATION_COLUMNS + " FROM generations WHERE version = ?", version);
    return found.stream().findFirst();
  }

  public Optional<LocalGeneration> generationById(long id) {
    return generations("SELECT " + GENERATION_COLUMNS + " FROM generations WHERE id = ?", id)
        .stream()
        .findFirst();
  }

  public Optional<LocalGeneration> generationByRemoteId(String remoteId) {
    return generations(
            "SELECT " + GENERATION_COLUMNS + " FROM generations WHERE remote_id = ?", remoteId)
        .stream()
        .findFirst();
  }

  /** The generation or a one-line error naming the fix. */
  public LocalGeneration requireGeneration(String versionText) {
    String version = Versions.normalize(versionText);
    return generation(version)
        .orElseThrow(
            () ->
                new CliException(
                    "no generation "
                        + version
                        + " in this project (see: gryt generation list; create it with: gryt"
                        + " generation new "
                        + version
                        + ")"));
  }

  /** Every generation, oldest first, with its changes. */
  public List<LocalGeneration> generations() {
    return generations("SELECT " + GENERATION_COLUMNS + " FROM generations ORDER BY id");
  }

  private List<LocalGeneration> generations(String sql, Object... parameters) {
    List<Object[]> rows = new ArrayList<>();
    query(
        sql,
        r -> {
          Object[] row = new Object[12];
          row[0] = r.getLong(1);
          for (int i = 1; i < 12; i++) {
            row[i] = r.getString(i + 1);
          }
          rows.add(row);
        },
        parameters);
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<Long, List<Change>> changes = changesOf(rows.size() == 1 ? (Long) rows.get(0)[0] : null);
    List<LocalGeneration> result = new ArrayList<>();
    for (Object[] row : rows) {
      long id = (Long) row[0];
      result.add(
          new LocalGeneration(
              id,
              (String) row[1],
              (String) row[2],
              (String) row[3],
              (String) row[4],
              (String) row[5],
              (String) row[6],
              (String) row[7],
              (String) row[8],
              (String) row[9],
              (String) row[10],
              (String) row[11],
              changes.getOrDefault(id, List.of())));
    }
    return result;
  }

  private Map<Long, List<Change>> changesOf(Long generationId) {
    Map<Long, List<Change>> changes = new LinkedHashMap<>();
    String sql =
        "SELECT generation_id, change_id, type, title, description FROM changes"
            + (generationId == null ? "" : " WHERE generation_id = ?")
            + " ORDER BY generation_id, position";
    query(
        sql,
        r ->
            changes
                .computeIfAbsent(r.getLong(1), k -> new ArrayList<>())
                .add(new Change(r.getString(2), r.getString(3), r.getString(4), r.getString(5))),
        generationId == null ? new Object[0] : new Object[] {generationId});
    return changes;
  }

  /** Inserts a generation with its changes; returns its local id. */
  public long insertGeneration(
      GenerationFile file, String now, String syncStatus, String remoteId) {
    return db.inTransaction(
        () -> {
          long id;
          try (PreparedStatement s =
              db.connection()
                  .prepareStatement(
                      "INSERT INTO generations (version, description, created_at, updated_at,"
                          + " sync_status, remote_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            LocalDatabase.bind(
                s, file.version(), file.description(), now, now, syncStatus, remoteId);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              id = r.getLong(1);
            }
          }
          replaceChanges(id, file.changes());
          return id;
        });
  }

  /** Replaces description and changes; call inside a transaction. */
  public void replaceContent(long id, String description, List<Change> changes, String now) {
    db.update(
        "UPDATE generations SET description = ?, updated_at = ? WHERE id = ?",
        description,
        now,
        id);
    try {
      replaceChanges(id, changes);
    } catch (SQLException e) {
      throw new CliException("local database: " + e.getMessage(), e);
    }
  }

  private void replaceChanges(long id, List<Change> changes) throws SQLException {
    try (PreparedStatement delete =
        db.connection().prepareStatement("DELETE FROM changes WHERE generation_id = ?")) {
      delete.setLong(1, id);
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        db.connection()
            .prepareStatement(
                "INSERT INTO changes (generation_id, position, change_id, type, title,"
                    + " description) VALUES (?, ?, ?, ?, ?, ?)")) {
      int position = 0;
      for (Change c : changes) {
        LocalDatabase.bind(insert, id, position++, c.id(), c.type(), c.title(), c.description());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  public void setSync(LocalGeneration g, String syncStatus, String remoteId, String error) {
    db.update(
        "UPDATE generations SET sync_status = ?, remote_id = ?, sync_error = ? WHERE id = ?",
        syncStatus,
        remoteId,
        error,
        g.id());
  }

  /** Marks a generation changed here since its last push. */
  public void markChanged(long id) {
    db.update(
        "UPDATE generations SET sync_status = CASE WHEN sync_status = 'conflict' THEN 'conflict'"
            + " ELSE 'not_synced' END, sync_error = NULL WHERE id = ?",
        id);
  }

  // ------------------------------------------------------------------ evolutions

  public List<LocalEvolution> evolutions(long generationId) {
    return evolutions(
        "SELECT " + EVOLUTION_COLUMNS + " FROM evolutions WHERE generation_id = ? ORDER BY id",
        generationId);
  }

  public List<LocalEvolution> allEvolutions() {
    return evolutions("SELECT " + EVOLUTION_COLUMNS + " FROM evolutions ORDER BY id");
  }

  public Optional<LocalEvolution> evolution(String codeName) {
    return evolutions(
            "SELECT " + EVOLUTION_COLUMNS + " FROM evolutions WHERE code_name = ?", codeName)
        .stream()
        .findFirst();
  }

  public Optional<LocalEvolution> evolutionByRemoteId(String remoteId) {
    return evolutions(
            "SELECT " + EVOLUTION_COLUMNS + " FROM evolutions WHERE remote_id = ?", remoteId)
        .stream()
        .findFirst();
  }

  private List<LocalEvolution> evolutions(String sql, Object... parameters) {
    List<LocalEvolution> found = new ArrayList<>();
    query(
        sql,
        r ->
            found.add(
                new LocalEvolution(
                    r.getLong(1),
                    r.getString(2),
                    r.getLong(3),
                    r.getString(4),
                    r.getString(5),
                    r.getString(6),
                    r.getString(7),
                    r.getString(8),
                    r.getString(9),
                    r.getString(10),
                    r.getString(11),
                    r.getString(12))),
        parameters);
    return found;
  }

  public long insertEvolution(
      String codeName,
      long generationId,
      String changeId,
      String status,
      String pipeline,
      String startedAt,
      String completedAt,
      String syncStatus,
      String remoteId) {
    try (PreparedStatement s =
        db.connection()
            .prepareStatement(
                "INSERT INTO evolutions (code_name, generation_id, change_id, status, pipeline,"
                    + " started_at, completed_at, sync_status, remote_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      LocalDatabase.bind(
          s,
          codeName,
          generationId,
          changeId,
          status,
          pipeline,
          startedAt,
          completedAt,
          syncStatus,
          remoteId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new CliException("local database: " + e.getMessage(), e);
    }
  }

  public void setSync(LocalEvolution e, String syncStatus, String remoteId, String error) {
    db.update(
        "UPDATE evolutions SET sync_status = ?, remote_id = ?, sync_error = ? WHERE id = ?",
        syncStatus,
        remoteId,
        error,
        e.id());
  }

  /**
   * A pipeline run recorded here, in the shape {@code /api/v1/pipeline-runs} takes (the original
   * gryt client's): the run, one runner (the runner it ran on), and each step's output; empty when
   * {@code runId} is not a run of this database or ran on the server's agents.
   */
  public Optional<ObjectNode> proofRun(String runId) {
    ObjectNode upload = ResourceCodec.json().createObjectNode();
    query(
        "SELECT pipeline, source, runner, status, started_at, finished_at FROM runs WHERE id = ?",
        r -> {
          ObjectNode run = upload.putObject("pipeline_run");
          run.put("pipeline_id", runId);
          run.put("name", r.getString(1));
          run.put("start_timestamp", r.getString(5));
          run.put("end_timestamp", r.getString(6));
          run.put("status", r.getString(4));
          ObjectNode config = ResourceCodec.json().createObjectNode();
          config.put("source", r.getString(2));
          config.put("runner", r.getString(3));
          run.put("config_json", config.toString());
          ObjectNode runner = upload.putArray("runners").addObject();
          runner.put("runner_id", r.getString(3));
          runner.put("pipeline_id", runId);
          runner.put("name", r.getString(3));
          runner.put("execution_order", 0);
          runner.put("status", r.getString(4));
        },
        runId);
    // A run on the server's agents (runner cloud:URL) is the server's own: nothing to upload.
    if (!upload.has("pipeline_run")
        || upload.path("runners").path(0).path("runner_id").asText().startsWith("cloud:")) {
      return Optional.empty();
    }
    String runner = upload.path("runners").path(0).path("runner_id").asText();
    ArrayNode steps = upload.putArray("step_outputs");
    query(
        "SELECT position, name, command, status, exit_code, duration_ms, output FROM run_steps"
            + " WHERE run_id = ? ORDER BY position",
        r -> {
          ObjectNode step = steps.addObject();
          step.put("step_id", runId + "." + r.getInt(1));
          step.put("runner_id", runner);
          step.put("name", r.getString(2));
          ObjectNode output = step.putObject("output_json");
          output.put("command", r.getString(3));
          int exit = r.getInt(5);
          if (r.wasNull()) {
            output.putNull("exit_code");
          } else {
            output.put("exit_code", exit);
          }
          step.put("stdout", r.getString(7));
          step.put("stderr", "");
          step.put("status", r.getString(4));
          step.put("duration", r.getLong(6) / 1000.0);
        },
        runId);
    return Optional.of(upload);
  }

  // ------------------------------------------------------------------ plumbing

  interface Row {
    void read(ResultSet r) throws SQLException;
  }

  void query(String sql, Row row, Object... parameters) {
    try (PreparedStatement s = db.connection().prepareStatement(sql)) {
      LocalDatabase.bind(s, parameters);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          row.read(r);
        }
      }
    } catch (SQLException e) {
      throw new CliException("local database " + db.file() + ": " + e.getMessage(), e);
    }
  }
}
