package dev.gryt.store;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The runs list in SQL ({@link ResourceStore#runs}). A JobRun's row of {@code resources} also holds
 * what the list sorts and filters by, in columns of their own ({@link Columns}, written with the
 * row by {@link RowStatements}); a partial index over JobRun rows only ({@link #indexSql}) serves
 * the newest-first order and holds every filtered column. The database filters, sorts and counts;
 * only the page's own bodies come back and are parsed.
 *
 * <p>Other kinds' rows leave the columns null and are in no index of them: their writes cost what
 * they did.
 */
final class SqlRuns {
  /** The literal the partial index names: a bound parameter would not let the planner use it. */
  private static final String JOB_RUNS = "kind = '" + ResourceKind.JOB_RUN.kind() + "'";

  /** The runs list's index ({@link #indexSql}). */
  static final String INDEX = "resources_runs_newest";

  private final SqlTransactions transactions;
  private final SqlResourceWrites writes;
  private final String from;
  private final String order;

  SqlRuns(SqlTransactions transactions, SqlResourceWrites writes) {
    this.transactions = transactions;
    this.writes = writes;
    SqlDialect dialect = transactions.dialect();
    this.from = " FROM resources" + dialect.indexedBy(INDEX) + " WHERE ";
    this.order =
        " ORDER BY "
            + dialect.bytewise("run_created")
            + " DESC, "
            + dialect.bytewise("name")
            + " DESC";
  }

  /** What the runs list reads of a JobRun, as its row stores it; all null for other kinds. */
  record Columns(String created, String job, String phase, String branch) {
    static final Columns NONE = new Columns(null, null, null, null);

    static Columns of(StoredRow row) {
      if (row.key().kind() != ResourceKind.JOB_RUN) {
        return NONE;
      }
      return of(
          ResourceCodec.fromTree(JobRun.class, row.tree() != null ? row.tree() : row.treeCopy()));
    }

    static Columns of(JobRun run) {
      return new Columns(
          run.getMetadata().getCreationTimestamp(),
          run.getSpec() == null ? null : run.getSpec().jobName,
          run.phase(),
          run.branch());
    }
  }

  /**
   * The index of the runs list: newest first, then every column a filter reads, so that a page or a
   * count never reads a row it does not return.
   */
  static String indexSql(SqlDialect dialect) {
    return "CREATE INDEX "
        + INDEX
        + " ON resources ("
        + dialect.bytewise("run_created")
        + ", "
        + dialect.bytewise("name")
        + ", namespace, run_job, run_phase, run_branch) WHERE "
        + JOB_RUNS;
  }

  /**
   * Fills the run columns of every stored JobRun (the migration that adds them): the rows, read and
   * written in batches.
   */
  static void fillColumns(Connection connection) throws SQLException {
    try (PreparedStatement read =
            connection.prepareStatement(
                "SELECT namespace, name, body FROM resources WHERE " + JOB_RUNS);
        PreparedStatement write =
            connection.prepareStatement(
                "UPDATE resources SET run_created = ?, run_job = ?, run_phase = ?, run_branch = ?"
                    + " WHERE "
                    + JOB_RUNS
                    + " AND namespace = ? AND name = ?")) {
      int batched = 0;
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          JobRun run =
              ResourceCodec.fromJson(
                  JobRun.class,
                  rows.getString(3).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          Columns c = Columns.of(run);
          write.setString(1, c.created());
          write.setString(2, c.job());
          write.setString(3, c.phase());
          write.setString(4, c.branch());
          write.setString(5, rows.getString(1));
          write.setString(6, rows.getString(2));
          write.addBatch();
          if (++batched % 500 == 0) {
            write.executeBatch();
          }
        }
      }
      write.executeBatch();
    }
  }

  /**
   * The page, then its total: counted by a second statement only when the page does not tell it (a
   * first page shorter than the limit is all there is). The two are not one snapshot: a run written
   * between them may be counted before a page shows it (the runs page refreshes itself).
   */
  RunPage page(RunQuery query) {
    List<Object> parameters = new ArrayList<>();
    String where = where(query, parameters);
    List<JobRun> runs =
        transactions.query(
            "SELECT body" + from + where + order + " LIMIT ? OFFSET ?",
            statement -> {
              int next = bind(statement, parameters);
              statement.setInt(next, query.limit());
              statement.setInt(next + 1, query.offset());
              List<JobRun> found = new ArrayList<>();
              try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                  found.add(writes.read(JobRun.class, rows.getString(1)));
                }
              }
              return found;
            });
    if (query.offset() == 0 && runs.size() < query.limit()) {
      return new RunPage(runs, runs.size());
    }
    int total =
        transactions.query(
            "SELECT COUNT(*)" + from + where,
            statement -> {
              bind(statement, parameters);
              try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
              }
            });
    return new RunPage(runs, total);
  }

  /** The WHERE clause of {@code query}, its parameters added to {@code parameters}. */
  private static String where(RunQuery query, List<Object> parameters) {
    StringBuilder where = new StringBuilder(JOB_RUNS);
    if (!query.namespacePrefix().isEmpty()) {
      // substr rather than LIKE: no wildcard to escape, and no case folding (SQLite's LIKE has).
      where.append(" AND substr(namespace, 1, ?) = ?");
      parameters.add(query.namespacePrefix().length());
      parameters.add(query.namespacePrefix());
    }
    if (query.job() != null) {
      where.append(" AND run_job = ?");
      parameters.add(query.job());
    }
    if (!query.phases().isEmpty()) {
      where
          .append(" AND run_phase IN (")
          .append(String.join(", ", Collections.nCopies(query.phases().size(), "?")))
          .append(')');
      query.phases().stream().map(JobRunPhase::value).sorted().forEach(parameters::add);
    }
    if (query.branch() != null) {
      where.append(" AND run_branch = ?");
      parameters.add(query.branch());
    }
    return where.toString();
  }

  private static int bind(PreparedStatement statement, List<Object> parameters)
      throws SQLException {
    int i = 1;
    for (Object p : parameters) {
      if (p instanceof Integer n) {
        statement.setInt(i++, n);
      } else {
        statement.setString(i++, (String) p);
      }
    }
    return i;
  }
}
