package dev.gryt.store;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.agent.RunReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link RunLogStore} of a {@link SqlResourceStore}: the {@code run_logs} table, one row per
 * chunk of output, numbered per run. A report's status is written by the resource store's {@link
 * SqlResourceWrites} in the transaction that appends its logs.
 */
public final class SqlRunLogStore implements RunLogStore {
  private final SqlTransactions transactions;
  private final SqlResourceWrites writes;

  SqlRunLogStore(SqlTransactions transactions, SqlResourceWrites writes) {
    this.transactions = transactions;
    this.writes = writes;
  }

  @Override
  public JobRun report(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun) {
    SqlResourceWrites.Change change = SqlResourceWrites.changeOf(new Mutation.UpdateStatus(run));
    SqlResourceWrites.Plan plan =
        transactions.write(
            "record a run report",
            (connection, counter) -> {
              SqlResourceWrites.Plan written = writes.apply(connection, counter, List.of(change));
              appendLogs(connection, change.key(), attempt, logs, maxCharsPerStep, maxCharsPerRun);
              return written;
            });
    transactions.committed(plan.lastResourceVersion());
    return (JobRun) writes.resultsOf(plan).get(0);
  }

  /** Marks the end of a step's log once it reached its cap. */
  static String truncationMarker(String step, int maxChars) {
    return "\n[gryt: the log of step " + step + " is truncated at " + maxChars + " characters]\n";
  }

  /** Marks the end of a run's log once it reached its owner's quota. */
  static String runQuotaMarker(long maxChars) {
    return "\n[gryt: this run's log reached its quota of "
        + maxChars
        + " characters (--quota-log-bytes); further output is dropped]\n";
  }

  private static void appendLogs(
      Connection connection,
      ResourceKey run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun)
      throws SQLException {
    if (logs == null || logs.isEmpty()) {
      return;
    }
    long seq = 0;
    Map<String, Long> sizes = new HashMap<>();
    Set<String> truncated = new HashSet<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT step, SUM(LENGTH(text)), MAX(truncated), MAX(seq) FROM run_logs"
                + " WHERE namespace = ? AND name = ? GROUP BY step")) {
      statement.setString(1, run.namespace());
      statement.setString(2, run.name());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          sizes.put(rows.getString(1), rows.getLong(2));
          if (rows.getInt(3) != 0) {
            truncated.add(rows.getString(1));
          }
          seq = Math.max(seq, rows.getLong(4));
        }
      }
    }
    long runUsed = sizes.values().stream().mapToLong(Long::longValue).sum();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO run_logs (namespace, name, seq, step, attempt, text, truncated)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      int batched = 0;
      for (RunReport.LogText log : logs) {
        String step = log.step() == null ? "" : log.step();
        if (log.text() == null
            || log.text().isEmpty()
            || truncated.contains(step)
            || runUsed >= maxCharsPerRun) {
          continue;
        }
        long used = sizes.getOrDefault(step, 0L);
        String text = log.text();
        boolean full = used + text.length() > maxCharsPerStep;
        if (full) {
          text = text.substring(0, (int) Math.max(0, maxCharsPerStep - used));
        }
        boolean runFull = runUsed + text.length() >= maxCharsPerRun;
        if (runFull) {
          text =
              text.substring(
                  0, (int) Math.max(0, Math.min(text.length(), maxCharsPerRun - runUsed)));
        }
        if (!text.isEmpty()) {
          addLog(insert, run, ++seq, step, attempt, text, false);
          batched++;
          sizes.put(step, used + text.length());
          runUsed += text.length();
        }
        if (runFull) {
          // The marker counts too: the run's log is at (or past) its quota from here on.
          String marker = runQuotaMarker(maxCharsPerRun);
          addLog(insert, run, ++seq, step, attempt, marker, true);
          batched++;
          runUsed = Math.max(maxCharsPerRun, runUsed + marker.length());
          continue;
        }
        if (full) {
          addLog(insert, run, ++seq, step, attempt, truncationMarker(step, maxCharsPerStep), true);
          batched++;
          truncated.add(step);
        }
      }
      if (batched > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void addLog(
      PreparedStatement insert,
      ResourceKey run,
      long seq,
      String step,
      int attempt,
      String text,
      boolean marker)
      throws SQLException {
    insert.setString(1, run.namespace());
    insert.setString(2, run.name());
    insert.setLong(3, seq);
    insert.setString(4, step);
    insert.setInt(5, attempt);
    insert.setString(6, text);
    insert.setInt(7, marker ? 1 : 0);
    insert.addBatch();
  }

  @Override
  public List<LogChunk> read(String namespace, String runName, long afterSeq, int limit) {
    return transactions.query(
        "SELECT seq, step, attempt, text, truncated FROM run_logs"
            + " WHERE namespace = ? AND name = ? AND seq > ? ORDER BY seq LIMIT ?",
        statement -> {
          statement.setString(1, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(2, runName);
          statement.setLong(3, afterSeq);
          statement.setInt(4, limit);
          List<LogChunk> chunks = new ArrayList<>();
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              chunks.add(
                  new LogChunk(
                      rows.getLong(1),
                      rows.getString(2),
                      rows.getInt(3),
                      rows.getString(4),
                      rows.getInt(5) != 0));
            }
          }
          return chunks;
        });
  }

  @Override
  public List<LogChunk> readStep(
      String namespace, String runName, String step, long afterSeq, int limit, long maxChars) {
    return transactions.query(
        "SELECT seq, step, attempt, text, truncated FROM run_logs"
            + " WHERE namespace = ? AND name = ? AND step = ? AND seq > ? ORDER BY seq LIMIT ?",
        statement -> {
          statement.setString(1, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(2, runName);
          statement.setString(3, step);
          statement.setLong(4, afterSeq);
          statement.setInt(5, limit);
          List<LogChunk> chunks = new ArrayList<>();
          long chars = 0;
          try (ResultSet rows = statement.executeQuery()) {
            while (chars < maxChars && rows.next()) {
              LogChunk chunk =
                  new LogChunk(
                      rows.getLong(1),
                      rows.getString(2),
                      rows.getInt(3),
                      rows.getString(4),
                      rows.getInt(5) != 0);
              chunks.add(chunk);
              chars += chunk.text().length();
            }
          }
          return chunks;
        });
  }

  @Override
  public StepLogSize stepSize(String namespace, String runName, String step, long throughSeq) {
    // Newlines are counted as the characters REPLACE removes: no row leaves the database.
    String newlines = "LENGTH(text) - LENGTH(REPLACE(text, ?, ''))";
    return transactions.query(
        "SELECT COUNT(*), COALESCE(SUM(LENGTH(text)), 0), COALESCE(SUM("
            + newlines
            + "), 0), COALESCE(SUM(CASE WHEN seq <= ? THEN "
            + newlines
            + " ELSE 0 END), 0) FROM run_logs WHERE namespace = ? AND name = ? AND step = ?",
        statement -> {
          statement.setString(1, "\n");
          statement.setLong(2, throughSeq);
          statement.setString(3, "\n");
          statement.setString(4, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(5, runName);
          statement.setString(6, step);
          try (ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new StepLogSize(
                rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4));
          }
        });
  }

  /** Forgets a deleted run's output, in the transaction that deletes it. */
  static void forget(Connection connection, ResourceKey key) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM run_logs WHERE namespace = ? AND name = ?")) {
      statement.setString(1, key.namespace());
      statement.setString(2, key.name());
      statement.executeUpdate();
    }
  }

  /** {@link SqlSideTables#appendRunLogs}: appends without looking for the run. */
  void appendWithoutRun(
      String namespace,
      String name,
      int attempt,
      List<RunReport.LogText> logs,
      int maxChars,
      long maxCharsPerRun) {
    transactions.write(
        "append a run's logs",
        (connection, counter) -> {
          appendLogs(
              connection,
              new ResourceKey(ResourceKind.JOB_RUN, namespace, name),
              attempt,
              logs,
              maxChars,
              maxCharsPerRun);
          return null;
        });
  }

  /** {@link SqlSideTables#forgetRunLogs}. */
  void forget(String namespace, String name) {
    transactions.write(
        "forget a run's logs",
        (connection, counter) -> {
          forget(connection, new ResourceKey(ResourceKind.JOB_RUN, namespace, name));
          return null;
        });
  }
}
