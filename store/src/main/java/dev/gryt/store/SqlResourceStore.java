package dev.gryt.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@link ResourceStore} on a SQL database (SQLite or PostgreSQL, see {@link SqlDialect}).
 *
 * <p>A resource is one row of {@code resources} holding its whole JSON; every write also appends
 * the changed object to {@code events}, keyed by its resourceVersion. A write transaction first
 * takes the one-row counter's lock, so transactions commit in resourceVersion order and a reader of
 * {@code events WHERE resource_version > x} never misses a smaller version committed later.
 *
 * <p>{@link #commit} plans every mutation in memory against the rows it read at once, then writes
 * the outcome with {@link RowStatements} (JDBC batches, or one statement per table on PostgreSQL):
 * its cost does not grow by a round trip per resource ({@link SqlResourceWrites}).
 *
 * <p>What is kept beside the resources has a store of its own on the same database, sharing this
 * one's transactions ({@link SqlTransactions}): webhook keys and deliveries ({@link #triggers()},
 * {@link SqlTriggerStore}), run logs ({@link #runLogs()}, {@link SqlRunLogStore}), accounts and API
 * keys, generations and evolutions.
 */
public final class SqlResourceStore implements ResourceStore {
  /** How many events the log keeps unless told otherwise. */
  public static final long DEFAULT_EVENT_RETENTION = 100_000;

  private final HikariDataSource dataSource;
  private final SqlDialect dialect;
  private final SqlTransactions transactions;
  private final SqlResourceWrites writes;
  private AutoCloseable commitListener;
  private final Set<SqlWatch> watches = ConcurrentHashMap.newKeySet();
  private final SqlAccountStore accounts;
  private final ReleaseStore releases;
  private final SqlTriggerStore triggers;
  private final SqlRunLogStore runLogs;
  private final SqlRuns runs;
  private final SealedFields sealed;

  /**
   * Migrates the schema and opens the store; takes ownership of {@code dataSource}.
   *
   * @param eventRetention how many of the newest events the log keeps (at least 1)
   */
  SqlResourceStore(
      HikariDataSource dataSource,
      SqlDialect dialect,
      Clock clock,
      long eventRetention,
      SecretSealer sealer) {
    if (eventRetention < 1) {
      throw new IllegalArgumentException("eventRetention must be at least 1: " + eventRetention);
    }
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.transactions = new SqlTransactions(dataSource, dialect, eventRetention);
    this.sealed = new SealedFields(sealer);
    this.writes = new SqlResourceWrites(transactions, clock, sealed);
    this.triggers = new SqlTriggerStore(transactions, writes, sealed, clock);
    this.runLogs = new SqlRunLogStore(transactions, writes);
    this.runs = new SqlRuns(transactions, writes);
    this.releases = new SqlReleaseStore(dataSource, dialect, clock);
    try {
      SchemaMigrations.apply(dataSource, dialect, clock, sealed);
    } catch (SQLException e) {
      dataSource.close();
      throw new StoreException(
          "cannot migrate the " + dialect.displayName() + " schema: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    transactions.committed(resourceVersion());
    this.accounts =
        new SqlAccountStore(dataSource, dialect, transactions.inProcessWriteLock(), clock);
  }

  @Override
  public AccountStore accounts() {
    ensureOpen();
    return accounts;
  }

  @Override
  public TriggerStore triggers() {
    ensureOpen();
    return triggers;
  }

  @Override
  public RunLogStore runLogs() {
    ensureOpen();
    return runLogs;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    ResourceKind kind = ResourceKind.of(type);
    return transactions.query(
        "SELECT body FROM resources WHERE kind = ? AND namespace = ? AND name = ?",
        statement -> {
          statement.setString(1, kind.kind());
          statement.setString(2, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(3, name);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next()
                ? Optional.of(writes.read(type, rows.getString(1)))
                : Optional.empty();
          }
        });
  }

  @Override
  public Optional<GrytResource<?, ?>> getById(String id) {
    return transactions.query(
        "SELECT kind, body FROM resources WHERE id = ?",
        statement -> {
          statement.setString(1, id);
          try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
              return Optional.empty();
            }
            return Optional.of(
                writes.read(
                    SqlResourceWrites.kindNamed(rows.getString(1)).type(), rows.getString(2)));
          }
        });
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(
      Class<R> type, String namespace, Map<String, String> labelSelector) {
    ResourceKind kind = ResourceKind.of(type);
    String sql =
        "SELECT body FROM resources WHERE kind = ?"
            + (namespace == null ? "" : " AND namespace = ?");
    return transactions.query(
        sql,
        statement -> {
          statement.setString(1, kind.kind());
          if (namespace != null) {
            statement.setString(2, namespace);
          }
          List<R> found = new ArrayList<>();
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              R resource = writes.read(type, rows.getString(1));
              if (matches(resource, labelSelector)) {
                found.add(resource);
              }
            }
          }
          // Sorted here rather than by ORDER BY: PostgreSQL would use the database's collation,
          // SQLite byte order, and both backends must list in the same order.
          found.sort(LIST_ORDER);
          return found;
        });
  }

  @Override
  public RunPage runs(RunQuery query) {
    return runs.page(query);
  }

  private static final Comparator<GrytResource<?, ?>> LIST_ORDER =
      Comparator.comparing((GrytResource<?, ?> r) -> r.getMetadata().getNamespace())
          .thenComparing(r -> r.getMetadata().getName());

  private static boolean matches(GrytResource<?, ?> resource, Map<String, String> labelSelector) {
    if (labelSelector == null || labelSelector.isEmpty()) {
      return true;
    }
    Map<String, String> labels = resource.getMetadata().getLabels();
    if (labels == null) {
      return false;
    }
    return labelSelector.entrySet().stream()
        .allMatch(wanted -> wanted.getValue().equals(labels.get(wanted.getKey())));
  }

  @Override
  public long resourceVersion() {
    return transactions.query(
        "SELECT value FROM resource_version_counter WHERE id = 1",
        statement -> {
          try (ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  @Override
  public List<WatchEvent> history(ResourceKind kind, String namespace, String name, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    return transactions.query(
        "SELECT resource_version, type, body FROM events WHERE kind = ? AND namespace = ?"
            + " AND name = ? ORDER BY resource_version DESC LIMIT ?",
        statement -> {
          statement.setString(1, kind.kind());
          statement.setString(2, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(3, name);
          statement.setInt(4, limit);
          List<WatchEvent> events = new ArrayList<>();
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              events.add(
                  new WatchEvent(
                      rows.getLong(1),
                      WatchEvent.Type.valueOf(rows.getString(2)),
                      writes.read(kind.type(), rows.getString(3))));
            }
          }
          return events;
        });
  }

  @Override
  public List<WatchEvent> events(long afterResourceVersion, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    ensureOpen();
    try (Connection connection = dataSource.getConnection()) {
      List<WatchEvent> events = new ArrayList<>();
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT resource_version, kind, type, body FROM events"
                  + " WHERE resource_version > ? ORDER BY resource_version LIMIT ?")) {
        statement.setLong(1, afterResourceVersion);
        statement.setInt(2, limit);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            ResourceKind kind = SqlResourceWrites.kindNamed(rows.getString(2));
            events.add(
                new WatchEvent(
                    rows.getLong(1),
                    WatchEvent.Type.valueOf(rows.getString(3)),
                    writes.read(kind.type(), rows.getString(4))));
          }
        }
      }
      // Read after the events: compaction only moves forward, so if the boundary is still at or
      // below the asked version now, nothing after that version was gone when the events were read.
      long compactedThrough;
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT compacted_through FROM resource_version_counter WHERE id = 1")) {
        rows.next();
        compactedThrough = rows.getLong(1);
      }
      if (afterResourceVersion < compactedThrough) {
        throw new GoneException(
            "resourceVersion "
                + afterResourceVersion
                + " is too old: the event log starts after "
                + compactedThrough
                + "; list again and watch from the list's version");
      }
      return events;
    } catch (SQLException e) {
      throw transactions.failure("read events", e);
    }
  }

  @Override
  public Watch watch(long afterResourceVersion, Consumer<WatchEvent> listener) {
    ensureOpen();
    synchronized (this) {
      if (commitListener == null) {
        commitListener = dialect.listenForCommits(dataSource, transactions.signal());
      }
    }
    SqlWatch watch =
        new SqlWatch(
            this,
            transactions.signal(),
            dialect.foreignWritePollInterval(),
            afterResourceVersion,
            listener);
    watches.add(watch);
    watch.start();
    return watch;
  }

  void forget(SqlWatch watch) {
    watches.remove(watch);
  }

  boolean isClosed() {
    return transactions.isClosed();
  }

  // ---------------------------------------------------------------- writes

  @Override
  public <R extends GrytResource<?, ?>> R create(R resource) {
    return commitOne(new Mutation.Create(resource));
  }

  @Override
  public <R extends GrytResource<?, ?>> R update(R resource) {
    return commitOne(new Mutation.Update(resource));
  }

  @Override
  public <R extends GrytResource<?, ?>> R updateStatus(R resource) {
    return commitOne(new Mutation.UpdateStatus(resource));
  }

  @Override
  public void delete(
      ResourceKind kind, String namespace, String name, String expectedResourceVersion) {
    commit(List.of(new Mutation.Delete(kind, namespace, name, expectedResourceVersion)));
  }

  @SuppressWarnings("unchecked")
  private <R extends GrytResource<?, ?>> R commitOne(Mutation mutation) {
    return (R) commit(List.of(mutation)).get(0);
  }

  @Override
  public List<GrytResource<?, ?>> commit(List<Mutation> mutations) {
    ensureOpen();
    if (mutations.isEmpty()) {
      return List.of();
    }
    // Serializing the callers' objects needs no lock, so it happens before taking one.
    List<SqlResourceWrites.Change> changes =
        mutations.stream().map(SqlResourceWrites::changeOf).toList();
    SqlResourceWrites.Plan plan =
        transactions.write(
            "commit", (connection, counter) -> writes.apply(connection, counter, changes));
    transactions.committed(plan.lastResourceVersion());
    return writes.resultsOf(plan);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    if (!transactions.markClosed()) {
      return;
    }
    transactions.signal().close();
    synchronized (this) {
      if (commitListener != null) {
        try {
          commitListener.close();
        } catch (Exception ignored) {
          // shutting down
        }
      }
    }
    for (SqlWatch watch : List.copyOf(watches)) {
      watch.close();
    }
    accounts.close();
    dataSource.close();
  }

  private void ensureOpen() {
    transactions.ensureOpen();
  }

  // ---------------------------------------------------------------- for stores of other resources

  /**
   * This database's tables for what is kept beside the resources (webhook keys and deliveries, run
   * logs), for a store that keeps the resources themselves elsewhere (Kubernetes).
   */
  public SqlSideTables sideTables() {
    ensureOpen();
    return new SqlSideTables(triggers, runLogs);
  }

  /** How this store seals secret fields, for a store that keeps the resources elsewhere. */
  public SealedFields sealedFields() {
    return sealed;
  }

  @Override
  public ReleaseStore releases() {
    ensureOpen();
    return releases;
  }

  @Override
  public LeaderLock leaderLock(String name) {
    return dialect.leaderLock(dataSource, name);
  }
}
