package dev.gryt.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Row statements for PostgreSQL: each is one statement over {@code unnest()} of array parameters. A
 * JDBC batch would still make the server plan and run one statement per row, which is most of a
 * 1,000-row commit's time.
 *
 * <p>A write of a row or two (a webhook's run, a status, a report: most writes) takes the plain
 * statements instead: encoding arrays cost more there than planning a statement per row.
 */
final class PostgresRowStatements implements RowStatements {
  /** Up to this many rows, plain per-row statements. */
  static final int FEW_ROWS = 4;

  /** Its statements other than {@code read} are plain SQL that PostgreSQL runs as well. */
  private final SqliteRowStatements plain = new SqliteRowStatements();

  @Override
  public Map<ResourceKey, StoredRow> read(Connection connection, Collection<ResourceKey> keys)
      throws SQLException {
    Map<ResourceKey, StoredRow> rows = new HashMap<>();
    if (keys.size() == 1) {
      ResourceKey key = keys.iterator().next();
      try (PreparedStatement statement =
          connection.prepareStatement(
              SqliteRowStatements.SELECT_COLUMNS
                  + " FROM resources r WHERE r.kind = ? AND r.namespace = ? AND r.name = ?")) {
        SqliteRowStatements.bindKey(statement, key, 1);
        SqliteRowStatements.readInto(statement, rows);
      }
      return rows;
    }
    List<ResourceKey> all = List.copyOf(keys);
    try (PreparedStatement statement =
        connection.prepareStatement(
            SqliteRowStatements.SELECT_COLUMNS
                + " FROM resources r"
                + " JOIN unnest(?::text[], ?::text[], ?::text[]) AS k(kind, namespace, name)"
                + " ON r.kind = k.kind AND r.namespace = k.namespace AND r.name = k.name")) {
      bindKeys(connection, statement, all, key -> key, 1);
      SqliteRowStatements.readInto(statement, rows);
    }
    return rows;
  }

  @Override
  public void delete(Connection connection, List<StoredRow> rows) throws SQLException {
    if (rows.size() <= FEW_ROWS) {
      plain.delete(connection, rows);
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "DELETE FROM resources r"
                + " USING unnest(?::text[], ?::text[], ?::text[], ?::bigint[])"
                + " AS v(kind, namespace, name, resource_version)"
                + " WHERE r.kind = v.kind AND r.namespace = v.namespace AND r.name = v.name"
                + " AND r.resource_version = v.resource_version")) {
      int next = bindKeys(connection, statement, rows, StoredRow::key, 1);
      statement.setArray(next, longs(connection, rows, StoredRow::resourceVersion));
      requireCount(statement.executeUpdate(), rows);
    }
  }

  @Override
  public void update(Connection connection, List<RowChange> changes) throws SQLException {
    if (changes.size() <= FEW_ROWS) {
      plain.update(connection, changes);
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE resources r SET id = v.id, uid = v.uid, resource_version = v.new_version,"
                + " generation = v.generation, body = v.body, run_created = v.run_created,"
                + " run_job = v.run_job, run_phase = v.run_phase, run_branch = v.run_branch"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[],"
                + " ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[], ?::text[])"
                + " AS v(kind, namespace, name, old_version, id, uid, new_version, generation, body,"
                + " run_created, run_job, run_phase, run_branch)"
                + " WHERE r.kind = v.kind AND r.namespace = v.namespace AND r.name = v.name"
                + " AND r.resource_version = v.old_version")) {
      int next = bindKeys(connection, statement, changes, change -> change.before().key(), 1);
      statement.setArray(next++, longs(connection, changes, c -> c.before().resourceVersion()));
      statement.setArray(next++, texts(connection, changes, c -> c.after().id()));
      statement.setArray(next++, texts(connection, changes, c -> c.after().uid()));
      statement.setArray(next++, longs(connection, changes, c -> c.after().resourceVersion()));
      statement.setArray(next++, longs(connection, changes, c -> c.after().generation()));
      statement.setArray(next++, texts(connection, changes, c -> c.after().json()));
      bindRunColumns(connection, statement, changes, RowChange::after, next);
      requireCount(statement.executeUpdate(), changes.stream().map(RowChange::before).toList());
    }
  }

  @Override
  public void insert(Connection connection, List<StoredRow> rows) throws SQLException {
    if (rows.size() <= FEW_ROWS) {
      plain.insert(connection, rows);
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO resources"
                + " (kind, namespace, name, id, uid, resource_version, generation, body,"
                + " run_created, run_job, run_phase, run_branch)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[])")) {
      int next = bindKeys(connection, statement, rows, StoredRow::key, 1);
      statement.setArray(next++, texts(connection, rows, StoredRow::id));
      statement.setArray(next++, texts(connection, rows, StoredRow::uid));
      statement.setArray(next++, longs(connection, rows, StoredRow::resourceVersion));
      statement.setArray(next++, longs(connection, rows, StoredRow::generation));
      statement.setArray(next++, texts(connection, rows, StoredRow::json));
      bindRunColumns(connection, statement, rows, row -> row, next);
      statement.executeUpdate();
    }
  }

  @Override
  public void insertEvents(Connection connection, List<EventRow> events) throws SQLException {
    if (events.size() <= FEW_ROWS) {
      plain.insertEvents(connection, events);
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO events (resource_version, kind, namespace, name, type, body)"
                + " SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[])")) {
      statement.setArray(1, longs(connection, events, EventRow::resourceVersion));
      int next = bindKeys(connection, statement, events, EventRow::key, 2);
      statement.setArray(next++, texts(connection, events, event -> event.type().name()));
      statement.setArray(next, texts(connection, events, EventRow::body));
      statement.executeUpdate();
    }
  }

  /**
   * Binds the runs list's four columns ({@link SqlRuns.Columns}) as text arrays from {@code first}.
   */
  private static <T> void bindRunColumns(
      Connection connection,
      PreparedStatement statement,
      List<T> items,
      Function<T, StoredRow> row,
      int first)
      throws SQLException {
    List<SqlRuns.Columns> columns =
        items.stream().map(item -> SqlRuns.Columns.of(row.apply(item))).toList();
    statement.setArray(first, texts(connection, columns, SqlRuns.Columns::created));
    statement.setArray(first + 1, texts(connection, columns, SqlRuns.Columns::job));
    statement.setArray(first + 2, texts(connection, columns, SqlRuns.Columns::phase));
    statement.setArray(first + 3, texts(connection, columns, SqlRuns.Columns::branch));
  }

  /** Binds three text arrays (kinds, namespaces, names); returns the next parameter index. */
  private static <T> int bindKeys(
      Connection connection,
      PreparedStatement statement,
      List<T> items,
      Function<T, ResourceKey> key,
      int first)
      throws SQLException {
    statement.setArray(first, texts(connection, items, item -> key.apply(item).kind().kind()));
    statement.setArray(first + 1, texts(connection, items, item -> key.apply(item).namespace()));
    statement.setArray(first + 2, texts(connection, items, item -> key.apply(item).name()));
    return first + 3;
  }

  private static <T> Array texts(Connection connection, List<T> items, Function<T, String> field)
      throws SQLException {
    String[] values = new String[items.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = field.apply(items.get(i));
    }
    return connection.createArrayOf("text", values);
  }

  private static <T> Array longs(Connection connection, List<T> items, Function<T, Long> field)
      throws SQLException {
    Long[] values = new Long[items.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = field.apply(items.get(i));
    }
    return connection.createArrayOf("bigint", values);
  }

  // The resource_version precondition guards against any writer that skipped the counter lock;
  // with the lock held, a short count cannot happen. Which row changed is not known here, so the
  // message names the first.
  private static void requireCount(int updated, List<StoredRow> rows) {
    if (updated != rows.size()) {
      throw SqliteRowStatements.changedConcurrently(rows.get(0));
    }
  }
}
