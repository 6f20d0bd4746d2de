package dev.gryt.store;

import dev.gryt.crds.ResourceKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Row statements for SQLite: plain JDBC batches, which cost no network round trip in an embedded
 * database.
 */
final class SqliteRowStatements implements RowStatements {
  /** Keys per read: well under SQLite's bind-parameter limit. */
  private static final int KEYS_PER_READ = 300;

  static final String SELECT_COLUMNS =
      "SELECT r.kind, r.namespace, r.name, r.id, r.uid, r.resource_version, r.generation, r.body";

  @Override
  public Map<ResourceKey, StoredRow> read(Connection connection, Collection<ResourceKey> keys)
      throws SQLException {
    Map<ResourceKey, StoredRow> rows = new HashMap<>();
    List<ResourceKey> all = new ArrayList<>(keys);
    for (int start = 0; start < all.size(); start += KEYS_PER_READ) {
      List<ResourceKey> chunk = all.subList(start, Math.min(all.size(), start + KEYS_PER_READ));
      // Keys first, then a primary-key lookup for each: "(kind, namespace, name) IN (...)" would
      // make SQLite scan the whole table. column1.. are SQLite's names for VALUES columns.
      String sql =
          SELECT_COLUMNS
              + " FROM (VALUES "
              + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?)"))
              + ") AS k CROSS JOIN resources r"
              + " ON r.kind = k.column1 AND r.namespace = k.column2 AND r.name = k.column3";
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        int parameter = 1;
        for (ResourceKey key : chunk) {
          parameter = bindKey(statement, key, parameter);
        }
        readInto(statement, rows);
      }
    }
    return rows;
  }

  static void readInto(PreparedStatement statement, Map<ResourceKey, StoredRow> rows)
      throws SQLException {
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        ResourceKind kind =
            ResourceKind.fromKind(result.getString(1))
                .orElseThrow(() -> new StoreException("unknown kind in the store"));
        ResourceKey key = new ResourceKey(kind, result.getString(2), result.getString(3));
        rows.put(
            key,
            new StoredRow(
                key,
                result.getString(4),
                result.getString(5),
                result.getLong(6),
                result.getLong(7),
                result.getString(8),
                null));
      }
    }
  }

  @Override
  public void delete(Connection connection, List<StoredRow> rows) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "DELETE FROM resources"
                + " WHERE kind = ? AND namespace = ? AND name = ? AND resource_version = ?")) {
      for (StoredRow row : rows) {
        int next = bindKey(statement, row.key(), 1);
        statement.setLong(next, row.resourceVersion());
        statement.addBatch();
      }
      requireOneRowEach(statement.executeBatch(), rows);
    }
  }

  @Override
  public void update(Connection connection, List<RowChange> changes) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE resources SET id = ?, uid = ?, resource_version = ?, generation = ?, body = ?,"
                + " run_created = ?, run_job = ?, run_phase = ?, run_branch = ?"
                + " WHERE kind = ? AND namespace = ? AND name = ? AND resource_version = ?")) {
      List<StoredRow> befores = new ArrayList<>(changes.size());
      for (RowChange change : changes) {
        StoredRow after = change.after();
        statement.setString(1, after.id());
        statement.setString(2, after.uid());
        statement.setLong(3, after.resourceVersion());
        statement.setLong(4, after.generation());
        statement.setString(5, after.json());
        bindRunColumns(statement, SqlRuns.Columns.of(after), 6);
        int next = bindKey(statement, change.before().key(), 10);
        statement.setLong(next, change.before().resourceVersion());
        statement.addBatch();
        befores.add(change.before());
      }
      requireOneRowEach(statement.executeBatch(), befores);
    }
  }

  @Override
  public void insert(Connection connection, List<StoredRow> rows) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO resources"
                + " (kind, namespace, name, id, uid, resource_version, generation, body,"
                + " run_created, run_job, run_phase, run_branch)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (StoredRow row : rows) {
        bindKey(statement, row.key(), 1);
        statement.setString(4, row.id());
        statement.setString(5, row.uid());
        statement.setLong(6, row.resourceVersion());
        statement.setLong(7, row.generation());
        statement.setString(8, row.json());
        bindRunColumns(statement, SqlRuns.Columns.of(row), 9);
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  @Override
  public void insertEvents(Connection connection, List<EventRow> events) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO events (resource_version, kind, namespace, name, type, body)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (EventRow event : events) {
        statement.setLong(1, event.resourceVersion());
        bindKey(statement, event.key(), 2);
        statement.setString(5, event.type().name());
        statement.setString(6, event.body());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Binds the runs list's four columns from {@code first}; returns the next parameter index. */
  static int bindRunColumns(PreparedStatement statement, SqlRuns.Columns c, int first)
      throws SQLException {
    statement.setString(first, c.created());
    statement.setString(first + 1, c.job());
    statement.setString(first + 2, c.phase());
    statement.setString(first + 3, c.branch());
    return first + 4;
  }

  /** Binds kind, namespace, name from {@code first}; returns the next parameter index. */
  static int bindKey(PreparedStatement statement, ResourceKey key, int first) throws SQLException {
    statement.setString(first, key.kind().kind());
    statement.setString(first + 1, key.namespace());
    statement.setString(first + 2, key.name());
    return first + 3;
  }

  // The resource_version precondition guards against any writer that skipped the counter lock;
  // with the lock held, a count other than 1 cannot happen.
  private static void requireOneRowEach(int[] counts, List<StoredRow> rows) {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
        throw changedConcurrently(rows.get(i));
      }
    }
  }

  static ConflictException changedConcurrently(StoredRow row) {
    return new ConflictException(
        row.key()
            + " was modified concurrently after resourceVersion "
            + row.resourceVersion()
            + "; read it again and retry");
  }
}
