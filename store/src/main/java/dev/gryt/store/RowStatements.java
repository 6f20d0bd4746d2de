package dev.gryt.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How a commit reads and writes many rows at once. Each method costs a few statements however many
 * rows it is given; none costs a round trip per row.
 */
interface RowStatements {
  /** The stored rows for {@code keys}; keys with no row are absent from the result. */
  Map<ResourceKey, StoredRow> read(Connection connection, Collection<ResourceKey> keys)
      throws SQLException;

  /**
   * Deletes each row if it still has its resourceVersion.
   *
   * @throws ConflictException when a row had changed
   */
  void delete(Connection connection, List<StoredRow> rows) throws SQLException;

  /**
   * Replaces each {@code before} row with its {@code after}, if it still has its resourceVersion.
   *
   * @throws ConflictException when a row had changed
   */
  void update(Connection connection, List<RowChange> changes) throws SQLException;

  void insert(Connection connection, List<StoredRow> rows) throws SQLException;

  void insertEvents(Connection connection, List<EventRow> events) throws SQLException;

  /** A row as read at the start of the commit and as the commit leaves it. */
  record RowChange(StoredRow before, StoredRow after) {}

  /** One entry of the event log. */
  record EventRow(long resourceVersion, ResourceKey key, WatchEvent.Type type, String body) {}
}
