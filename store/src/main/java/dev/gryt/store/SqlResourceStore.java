package dev.gryt.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ObjectSize;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.agent.RunReport;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
 * its cost does not grow by a round trip per resource.
 */
public final class SqlResourceStore implements ResourceStore {
  /** How many events the log keeps unless told otherwise. */
  public static final long DEFAULT_EVENT_RETENTION = 100_000;

  private static final ObjectMapper JSON = ResourceCodec.json();
  private static final HexFormat HEX = HexFormat.of();

  private final HikariDataSource dataSource;
  private final SqlDialect dialect;
  private final RowStatements rowStatements;
  private final Clock clock;
  private final long eventRetention;
  private final SecureRandom random = new SecureRandom();
  private final ReentrantLock inProcessWriteLock = new ReentrantLock();
  private final CommitSignal commitSignal = new CommitSignal();
  private AutoCloseable commitListener;
  private final Set<SqlWatch> watches = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final SqlAccountStore accounts;
  private final ReleaseStore releases;
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
    this.rowStatements = dialect.rowStatements();
    this.clock = clock;
    this.eventRetention = eventRetention;
    this.sealed = new SealedFields(sealer);
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
    commitSignal.committed(resourceVersion());
    this.accounts = new SqlAccountStore(dataSource, dialect, inProcessWriteLock, clock);
  }

  @Override
  public AccountStore accounts() {
    ensureOpen();
    return accounts;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    ResourceKind kind = ResourceKind.of(type);
    return query(
        "SELECT body FROM resources WHERE kind = ? AND namespace = ? AND name = ?",
        statement -> {
          statement.setString(1, kind.kind());
          statement.setString(2, namespaceOrDefault(namespace));
          statement.setString(3, name);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(read(type, rows.getString(1))) : Optional.empty();
          }
        });
  }

  @Override
  public Optional<GrytResource<?, ?>> getById(String id) {
    return query(
        "SELECT kind, body FROM resources WHERE id = ?",
        statement -> {
          statement.setString(1, id);
          try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
              return Optional.empty();
            }
            return Optional.of(read(kindNamed(rows.getString(1)).type(), rows.getString(2)));
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
    return query(
        sql,
        statement -> {
          statement.setString(1, kind.kind());
          if (namespace != null) {
            statement.setString(2, namespace);
          }
          List<R> found = new ArrayList<>();
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              R resource = read(type, rows.getString(1));
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
    return query(
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
    return query(
        "SELECT resource_version, type, body FROM events WHERE kind = ? AND namespace = ?"
            + " AND name = ? ORDER BY resource_version DESC LIMIT ?",
        statement -> {
          statement.setString(1, kind.kind());
          statement.setString(2, namespaceOrDefault(namespace));
          statement.setString(3, name);
          statement.setInt(4, limit);
          List<WatchEvent> events = new ArrayList<>();
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              events.add(
                  new WatchEvent(
                      rows.getLong(1),
                      WatchEvent.Type.valueOf(rows.getString(2)),
                      read(kind.type(), rows.getString(3))));
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
            ResourceKind kind = kindNamed(rows.getString(2));
            events.add(
                new WatchEvent(
                    rows.getLong(1),
                    WatchEvent.Type.valueOf(rows.getString(3)),
                    read(kind.type(), rows.getString(4))));
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
      throw databaseFailure("read events", e);
    }
  }

  @Override
  public Watch watch(long afterResourceVersion, Consumer<WatchEvent> listener) {
    ensureOpen();
    synchronized (this) {
      if (commitListener == null) {
        commitListener = dialect.listenForCommits(dataSource, commitSignal);
      }
    }
    SqlWatch watch =
        new SqlWatch(
            this, commitSignal, dialect.foreignWritePollInterval(), afterResourceVersion, listener);
    watches.add(watch);
    watch.start();
    return watch;
  }

  void forget(SqlWatch watch) {
    watches.remove(watch);
  }

  boolean isClosed() {
    return closed;
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
    List<Change> changes = mutations.stream().map(SqlResourceStore::changeOf).toList();
    Plan plan =
        inWriteTransaction("commit", (connection, counter) -> apply(connection, counter, changes));
    commitSignal.committed(plan.lastResourceVersion());
    return resultsOf(plan);
  }

  private List<GrytResource<?, ?>> resultsOf(Plan plan) {
    List<GrytResource<?, ?>> results = new ArrayList<>(plan.results().size());
    for (StoredRow row : plan.results()) {
      results.add(row == null ? null : toResource(row));
    }
    return results;
  }

  /** Plans and writes {@code changes} inside a write transaction that holds the counter. */
  private Plan apply(Connection connection, Counter counter, List<Change> changes)
      throws SQLException {
    Set<ResourceKey> keys = new LinkedHashSet<>();
    changes.forEach(change -> keys.add(change.key()));
    Map<ResourceKey, StoredRow> stored = rowStatements.read(connection, keys);
    Plan plan = plan(changes, stored, counter.value());
    write(connection, plan, stored, counter);
    counter.advanceTo(plan.lastResourceVersion());
    return plan;
  }

  private interface WriteWork<T> {
    T run(Connection connection, Counter counter) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction that first takes the counter's lock, so that it is
   * serialized with every other write; commits, or rolls back and rethrows. Concurrent writes of
   * this process share transactions ({@link WriteCombiner}): a work may commit together with
   * others, but only when every one of them succeeded — when one fails, the batch is rolled back
   * and each runs again alone, so a failure never undoes or leaks into another's write.
   */
  private <T> T inWriteTransaction(String action, WriteWork<T> work) {
    ensureOpen();
    PendingWrite<T> pending = new PendingWrite<>(action, work);
    writes.submit(pending, this::runWrites);
    return pending.outcome();
  }

  /** The most writes one transaction carries. */
  static final int MAX_WRITES_PER_TRANSACTION = 64;

  private final WriteCombiner<PendingWrite<?>> writes =
      new WriteCombiner<>(MAX_WRITES_PER_TRANSACTION);

  /** A queued write and, once run, its result or failure. */
  private static final class PendingWrite<T> extends WriteCombiner.Entry {
    final String action;
    final WriteWork<T> work;
    T result;
    boolean ran;
    RuntimeException failure;

    PendingWrite(String action, WriteWork<T> work) {
      this.action = action;
      this.work = work;
    }

    T outcome() {
      if (failure != null) {
        // Thrown on the caller's thread, whichever thread ran it: the caller's stack is the useful
        // one in a log; the original is kept as the cause when it was wrapped.
        throw failure;
      }
      if (!ran) {
        throw new StoreException("the store could not " + action + ": the write was not run");
      }
      return result;
    }
  }

  private void runWrites(List<PendingWrite<?>> batch) {
    if (batch.size() > 1 && transact(batch) == null) {
      return;
    }
    for (PendingWrite<?> pending : batch) {
      pending.failure = transact(List.of(pending));
    }
  }

  /**
   * Runs {@code writes} in one transaction: either all commit (each given its result) and null is
   * returned, or none does and the failure is returned (a database one named by the first write's
   * action).
   */
  private RuntimeException transact(List<PendingWrite<?>> writes) {
    boolean serialize = dialect.serializesWritesInProcess();
    if (serialize) {
      inProcessWriteLock.lock();
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      List<Object> results = new ArrayList<>(writes.size());
      try {
        Counter counter = lockCounter(connection);
        for (PendingWrite<?> pending : writes) {
          results.add(pending.work.run(connection, counter));
        }
        storeCounter(connection, counter);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      }
      for (int i = 0; i < writes.size(); i++) {
        complete(writes.get(i), results.get(i));
      }
      return null;
    } catch (SQLException e) {
      return databaseFailure(writes.get(0).action, e);
    } catch (RuntimeException e) {
      return e;
    } finally {
      if (serialize) {
        inProcessWriteLock.unlock();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(PendingWrite<T> pending, Object result) {
    pending.result = (T) result;
    pending.ran = true;
  }

  // ---------------------------------------------------------------- run reports and logs

  @Override
  public JobRun reportRun(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun) {
    Change change = changeOf(new Mutation.UpdateStatus(run));
    Plan plan =
        inWriteTransaction(
            "record a run report",
            (connection, counter) -> {
              Plan written = apply(connection, counter, List.of(change));
              appendLogs(connection, change.key(), attempt, logs, maxCharsPerStep, maxCharsPerRun);
              return written;
            });
    commitSignal.committed(plan.lastResourceVersion());
    return (JobRun) resultsOf(plan).get(0);
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
    Set<String> truncated = new java.util.HashSet<>();
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
  public List<LogChunk> runLogs(String namespace, String runName, long afterSeq, int limit) {
    return query(
        "SELECT seq, step, attempt, text, truncated FROM run_logs"
            + " WHERE namespace = ? AND name = ? AND seq > ? ORDER BY seq LIMIT ?",
        statement -> {
          statement.setString(1, namespaceOrDefault(namespace));
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

  private static void forgetRunLogs(Connection connection, ResourceKey key) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM run_logs WHERE namespace = ? AND name = ?")) {
      statement.setString(1, key.namespace());
      statement.setString(2, key.name());
      statement.executeUpdate();
    }
  }

  // ---------------------------------------------------------------- webhook deliveries and keys

  private static final String DELIVERY_COLUMNS =
      "id, namespace, name, event, delivery_id, received_at, status, reason, run_id";

  /** What a delivery's transaction wrote: the record, and the run's commit when there was one. */
  private record DeliveryWrite(Delivery.Recorded recorded, Plan plan) {}

  @Override
  public Delivery.Recorded recordDelivery(Delivery delivery, Optional<Mutation.Create> run) {
    Objects.requireNonNull(delivery, "delivery");
    String namespace = namespaceOrDefault(delivery.webhookNamespace());
    String name = requireName(delivery.webhookName());
    List<Change> changes = run.map(create -> List.of(changeOf(create))).orElse(List.of());
    String jobName = run.map(create -> Delivery.jobOf(create.resource())).orElse(null);
    // A repeated delivery id, also from another process at the same moment, is settled by the
    // unique index (the insert does nothing), not by a failure to retry.
    DeliveryWrite written =
        inWriteTransaction(
            "record a delivery",
            (connection, counter) -> {
              // The run is planned first (it names the run id the delivery records). Its
              // name is new (made by the caller from random bits), so it is planned without
              // reading its row: a taken name fails the insert instead.
              Plan planned = changes.isEmpty() ? null : plan(changes, Map.of(), counter.value());
              Delivery stored =
                  new Delivery(
                      "dlv-" + newIdSuffix(),
                      namespace,
                      name,
                      delivery.event(),
                      delivery.deliveryId(),
                      Instant.now(clock),
                      delivery.status(),
                      delivery.reason(),
                      planned == null ? null : planned.results().get(0).id());
              if (!insertDeliveryAndRun(connection, stored, jobName, planned)) {
                // Nothing was written: a repeated delivery id, or a Webhook or Job gone.
                Optional<Delivery> first =
                    delivery.deliveryId() == null
                        ? Optional.empty()
                        : findDelivery(connection, namespace, name, delivery.deliveryId());
                if (first.isPresent()) {
                  return new DeliveryWrite(new Delivery.Recorded(first.get(), true), null);
                }
                requireWebhook(connection, namespace, name, jobName);
                throw new StoreException("a delivery was not recorded, for no known reason");
              }
              if (planned != null) {
                counter.advanceTo(planned.lastResourceVersion());
              }
              return new DeliveryWrite(new Delivery.Recorded(stored, false), planned);
            });
    if (written.plan() != null) {
      commitSignal.committed(written.plan().lastResourceVersion());
    }
    return written.recorded();
  }

  private Optional<Delivery> findDelivery(
      Connection connection, String namespace, String name, String deliveryId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT "
                + DELIVERY_COLUMNS
                + " FROM webhook_deliveries WHERE namespace = ? AND name = ? AND delivery_id = ?")) {
      statement.setString(1, namespace);
      statement.setString(2, name);
      statement.setString(3, deliveryId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(deliveryOf(rows)) : Optional.empty();
      }
    }
  }

  private static Delivery deliveryOf(ResultSet rows) throws SQLException {
    return new Delivery(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        rows.getString(4),
        rows.getString(5),
        Instant.parse(rows.getString(6)),
        rows.getString(7),
        rows.getString(8),
        rows.getString(9));
  }

  /**
   * Records a delivery and the run it starts, each row written only when its Webhook and the run's
   * Job exist and its delivery id is new: the conditions are in the statements, so that PostgreSQL
   * gets the three in one round trip (SQLite, in process, runs them one by one).
   *
   * @return false when nothing was written
   */
  private boolean insertDeliveryAndRun(
      Connection connection, Delivery delivery, String jobName, Plan run) throws SQLException {
    String exists =
        "EXISTS (SELECT 1 FROM resources WHERE kind = ? AND namespace = ? AND name = ?)";
    String insertDelivery = deliveryInsertSql(exists + (run == null ? "" : " AND " + exists));
    // Only after this delivery's row: its id is new, so it exists only if it was just written.
    String ifRecorded = " WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?)";
    String insertRun =
        "INSERT INTO resources (kind, namespace, name, id, uid, resource_version, generation,"
            + " body) SELECT ?, ?, ?, ?, ?, ?, ?, ?"
            + ifRecorded;
    String insertEvent =
        "INSERT INTO events (resource_version, kind, namespace, name, type, body)"
            + " SELECT ?, ?, ?, ?, ?, ?"
            + ifRecorded;
    try {
      if (dialect.sendsStatementsTogether()) {
        String sql =
            run == null
                ? insertDelivery
                : String.join("; ", insertDelivery, insertRun, insertEvent);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          int next = bindDelivery(statement, delivery, jobName);
          if (run != null) {
            next = bindRunRow(statement, delivery, run.results().get(0), next);
            bindRunEvent(statement, delivery, run.events().get(0), next);
          }
          statement.execute();
          return statement.getUpdateCount() == 1;
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(insertDelivery)) {
        bindDelivery(statement, delivery, jobName);
        if (statement.executeUpdate() != 1) {
          return false;
        }
      }
      if (run != null) {
        try (PreparedStatement statement = connection.prepareStatement(insertRun);
            PreparedStatement events = connection.prepareStatement(insertEvent)) {
          bindRunRow(statement, delivery, run.results().get(0), 1);
          statement.executeUpdate();
          bindRunEvent(events, delivery, run.events().get(0), 1);
          events.executeUpdate();
        }
      }
      return true;
    } catch (SQLException e) {
      if (run != null && isUniqueViolation(e)) {
        throw new AlreadyExistsException(
            "run " + run.results().get(0).key().name() + " already exists: " + e.getMessage());
      }
      throw e;
    }
  }

  /**
   * Inserts a delivery row when {@code condition} holds and its delivery id is new to its webhook.
   * Its number is the webhook's newest plus one, worked out in the insert: a MAX over the whole
   * table scanned every delivery ever recorded, and MAX(seq) of one webhook was planned as a scan
   * of all its entries on a young table. Parameters: {@link #bindDeliveryRow}, then the
   * condition's.
   */
  private static String deliveryInsertSql(String condition) {
    return "INSERT INTO webhook_deliveries ("
        + DELIVERY_COLUMNS
        + ", seq) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT seq FROM"
        + " webhook_deliveries WHERE namespace = ? AND name = ? ORDER BY seq DESC LIMIT 1), 0) + 1"
        // The upsert clause ends the SELECT (SQLite needs a WHERE before it to tell).
        + " WHERE "
        + condition
        + " ON CONFLICT (namespace, name, delivery_id) DO NOTHING";
  }

  /** Binds a delivery's row from parameter 1; returns the next parameter index. */
  private static int bindDeliveryRow(PreparedStatement statement, Delivery delivery)
      throws SQLException {
    int i = 1;
    statement.setString(i++, delivery.id());
    statement.setString(i++, delivery.webhookNamespace());
    statement.setString(i++, delivery.webhookName());
    statement.setString(i++, delivery.event());
    statement.setString(i++, delivery.deliveryId());
    statement.setString(i++, delivery.receivedAt().toString());
    statement.setString(i++, delivery.status());
    statement.setString(i++, delivery.reason());
    statement.setString(i++, delivery.runId());
    statement.setString(i++, delivery.webhookNamespace());
    statement.setString(i++, delivery.webhookName());
    return i;
  }

  /** Binds a delivery's row, its Webhook's key and, when given, its run's Job's. */
  private static int bindDelivery(PreparedStatement statement, Delivery delivery, String jobName)
      throws SQLException {
    int i = bindDeliveryRow(statement, delivery);
    String ns = delivery.webhookNamespace();
    i =
        SqliteRowStatements.bindKey(
            statement, new ResourceKey(ResourceKind.WEBHOOK, ns, delivery.webhookName()), i);
    if (jobName != null) {
      i = SqliteRowStatements.bindKey(statement, new ResourceKey(ResourceKind.JOB, ns, jobName), i);
    }
    return i;
  }

  private static int bindRunRow(
      PreparedStatement statement, Delivery delivery, StoredRow row, int first)
      throws SQLException {
    int i = SqliteRowStatements.bindKey(statement, row.key(), first);
    statement.setString(i++, row.id());
    statement.setString(i++, row.uid());
    statement.setLong(i++, row.resourceVersion());
    statement.setLong(i++, row.generation());
    statement.setString(i++, row.json());
    statement.setString(i++, delivery.id());
    return i;
  }

  private static int bindRunEvent(
      PreparedStatement statement, Delivery delivery, RowStatements.EventRow event, int first)
      throws SQLException {
    int i = first;
    statement.setLong(i++, event.resourceVersion());
    i = SqliteRowStatements.bindKey(statement, event.key(), i);
    statement.setString(i++, event.type().name());
    statement.setString(i++, event.body());
    statement.setString(i++, delivery.id());
    return i;
  }

  /**
   * Inserts a delivery unless one with its delivery id was recorded for its webhook before.
   *
   * @return false when the id was taken (nothing written)
   */
  private static boolean insertDelivery(Connection connection, Delivery delivery)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(deliveryInsertSql("true"))) {
      bindDeliveryRow(statement, delivery);
      return statement.executeUpdate() == 1;
    }
  }

  @Override
  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    return query(
        "SELECT "
            + DELIVERY_COLUMNS
            + " FROM webhook_deliveries WHERE namespace = ? AND name = ?"
            + " ORDER BY seq DESC LIMIT ?",
        statement -> {
          statement.setString(1, namespaceOrDefault(namespace));
          statement.setString(2, webhookName);
          statement.setInt(3, limit);
          List<Delivery> found = new ArrayList<>();
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              found.add(deliveryOf(rows));
            }
          }
          return found;
        });
  }

  @Override
  public WebhookKey webhookKey(String namespace, String webhookName) {
    String ns = namespaceOrDefault(namespace);
    return inWriteTransaction(
        "make a webhook key",
        (connection, counter) -> {
          requireWebhook(connection, ns, webhookName);
          Optional<WebhookKey> stored = storedKey(connection, ns, webhookName);
          return stored.isPresent() ? stored.get() : insertKey(connection, ns, webhookName);
        });
  }

  @Override
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    String ns = namespaceOrDefault(namespace);
    return inWriteTransaction(
        "rotate a webhook key",
        (connection, counter) -> {
          requireWebhook(connection, ns, webhookName);
          forgetKey(connection, ns, webhookName);
          return insertKey(connection, ns, webhookName);
        });
  }

  @Override
  public Optional<WebhookKey> findWebhookKey(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.empty();
    }
    // An indexed equality lookup of a keyed hash: neither the table nor the timing gives the key.
    String hash = sealed.sealer().keyedHash(key);
    return query(
        "SELECT namespace, name FROM webhook_trigger_keys WHERE key_hash = ?",
        statement -> {
          statement.setString(1, hash);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next()
                ? Optional.of(new WebhookKey(rows.getString(1), rows.getString(2), key))
                : Optional.empty();
          }
        });
  }

  @Override
  public Optional<Webhook> webhookByKey(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.empty();
    }
    // The key and its Webhook in one read: a delivery's only lookup before its write.
    String hash = sealed.sealer().keyedHash(key);
    return query(
        "SELECT r.body FROM webhook_trigger_keys k JOIN resources r"
            + " ON r.kind = ? AND r.namespace = k.namespace AND r.name = k.name"
            + " WHERE k.key_hash = ?",
        statement -> {
          statement.setString(1, ResourceKind.WEBHOOK.kind());
          statement.setString(2, hash);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next()
                ? Optional.of(read(Webhook.class, rows.getString(1)))
                : Optional.empty();
          }
        });
  }

  private WebhookKey insertKey(Connection connection, String namespace, String name)
      throws SQLException {
    byte[] bits = new byte[32];
    random.nextBytes(bits);
    String key = "wh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    SecretSealer sealer = sealed.sealer();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO webhook_trigger_keys (namespace, name, key_hash, sealed_key, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      statement.setString(1, namespace);
      statement.setString(2, name);
      statement.setString(3, sealer.keyedHash(key));
      statement.setString(4, sealer.seal(key, WebhookKey.sealingContext(namespace, name)));
      statement.setString(5, Instant.now(clock).toString());
      statement.executeUpdate();
    }
    return new WebhookKey(namespace, name, key);
  }

  /**
   * The Webhook's trigger key, opened from its sealed copy.
   *
   * @throws StoreException when it was sealed under another master key
   */
  private Optional<WebhookKey> storedKey(Connection connection, String namespace, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT sealed_key FROM webhook_trigger_keys WHERE namespace = ? AND name = ?")) {
      statement.setString(1, namespace);
      statement.setString(2, name);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        String key;
        try {
          key = sealed.sealer().open(rows.getString(1), WebhookKey.sealingContext(namespace, name));
        } catch (IllegalArgumentException e) {
          throw new StoreException(
              "the trigger key of webhook "
                  + namespace
                  + "/"
                  + name
                  + " was sealed under another master key; rotate it");
        }
        return Optional.of(new WebhookKey(namespace, name, key));
      }
    }
  }

  private static void forgetKey(Connection connection, String namespace, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "DELETE FROM webhook_trigger_keys WHERE namespace = ? AND name = ?")) {
      statement.setString(1, namespace);
      statement.setString(2, name);
      statement.executeUpdate();
    }
  }

  /** What a Webhook leaves behind besides its row goes with it, in the deleting transaction. */
  private static void forgetWebhook(Connection connection, ResourceKey key) throws SQLException {
    forgetKey(connection, key.namespace(), key.name());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "DELETE FROM webhook_deliveries WHERE namespace = ? AND name = ?")) {
      statement.setString(1, key.namespace());
      statement.setString(2, key.name());
      statement.executeUpdate();
    }
  }

  /**
   * Fails unless the Webhook exists and, when {@code jobName} is given, the Job a delivery starts a
   * run of.
   */
  private static void requireWebhook(
      Connection connection, String namespace, String name, String jobName) throws SQLException {
    requireWebhook(connection, namespace, name);
    if (jobName != null && !exists(connection, ResourceKind.JOB, namespace, jobName)) {
      throw Delivery.jobMissing(namespace, name, jobName);
    }
  }

  private static void requireWebhook(Connection connection, String namespace, String name)
      throws SQLException {
    if (!exists(connection, ResourceKind.WEBHOOK, namespace, name)) {
      throw new NotFoundException("webhook " + namespace + "/" + name + " not found");
    }
  }

  private static boolean exists(
      Connection connection, ResourceKind kind, String namespace, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT 1 FROM resources WHERE kind = ? AND namespace = ? AND name = ?")) {
      statement.setString(1, kind.kind());
      statement.setString(2, namespace);
      statement.setString(3, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** A mutation with the caller's object already read into a tree of our own. */
  private record Change(Mutation mutation, ResourceKey key, ObjectNode given) {}

  private static Change changeOf(Mutation mutation) {
    if (mutation instanceof Mutation.Create create) {
      return fromResource(mutation, create.resource());
    } else if (mutation instanceof Mutation.Update update) {
      return fromResource(mutation, update.resource());
    } else if (mutation instanceof Mutation.UpdateStatus updateStatus) {
      return fromResource(mutation, updateStatus.resource());
    }
    Mutation.Delete delete = (Mutation.Delete) mutation;
    ResourceKey key =
        new ResourceKey(
            Objects.requireNonNull(delete.kind(), "delete needs a kind"),
            namespaceOrDefault(delete.namespace()),
            requireName(delete.name()));
    return new Change(mutation, key, null);
  }

  private static Change fromResource(Mutation mutation, GrytResource<?, ?> resource) {
    Objects.requireNonNull(resource, "mutation needs a resource");
    // Through bytes rather than valueToTree: numbers then compare equal to the stored, parsed JSON.
    byte[] json = ResourceCodec.toJsonBytes(resource);
    ObjectSize.problem(resource, json.length)
        .ifPresent(
            tooLarge -> {
              throw new RejectedException(tooLarge);
            });
    ObjectNode given = parseObject(json);
    JsonNode metadata = given.path("metadata");
    String namespace =
        metadata.path("namespace").isTextual() ? metadata.get("namespace").asText() : null;
    String name = metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
    return new Change(
        mutation,
        new ResourceKey(resource.kind(), namespaceOrDefault(namespace), requireName(name)),
        given);
  }

  /** What one commit writes, worked out in memory before any row is touched. */
  private record Plan(
      List<StoredRow> results,
      List<RowStatements.EventRow> events,
      Map<ResourceKey, StoredRow> finalRows,
      long lastResourceVersion) {}

  private Plan plan(
      List<Change> changes, Map<ResourceKey, StoredRow> stored, long resourceVersion) {
    // The state of each touched key as the transaction goes; a missing value means "absent".
    Map<ResourceKey, StoredRow> current = new HashMap<>(stored);
    List<StoredRow> results = new ArrayList<>(changes.size());
    List<RowStatements.EventRow> events = new ArrayList<>(changes.size());
    for (Change change : changes) {
      resourceVersion++;
      ResourceKey key = change.key();
      StoredRow before = current.get(key);
      Mutation mutation = change.mutation();
      StoredRow after;
      WatchEvent.Type type;
      if (mutation instanceof Mutation.Create) {
        if (before != null) {
          throw new AlreadyExistsException(key + " already exists");
        }
        after = created(key, sealedGiven(change, null), resourceVersion);
        type = WatchEvent.Type.ADDED;
      } else if (mutation instanceof Mutation.Update) {
        requireVersion(key, before, givenVersion(change.given()));
        after = updated(before, sealedGiven(change, before), resourceVersion);
        type = WatchEvent.Type.MODIFIED;
      } else if (mutation instanceof Mutation.UpdateStatus) {
        requireVersion(key, before, givenVersion(change.given()));
        after = statusUpdated(before, change.given(), resourceVersion);
        type = WatchEvent.Type.MODIFIED;
      } else {
        String expected = ((Mutation.Delete) mutation).expectedResourceVersion();
        if (before == null) {
          throw new NotFoundException(key + " not found");
        }
        if (expected != null) {
          requireVersion(key, before, expected);
        }
        after = null;
        type = WatchEvent.Type.DELETED;
      }
      if (after == null) {
        current.remove(key);
      } else {
        current.put(key, after);
      }
      results.add(after);
      // A delete's event carries the object as it was last stored.
      events.add(
          new RowStatements.EventRow(
              resourceVersion, key, type, after == null ? before.json() : after.json()));
    }
    return new Plan(results, events, current, resourceVersion);
  }

  /**
   * The given object with its secret field sealed (or its stored sealed form kept when unchanged):
   * a copy, since a batch that fails is planned again alone.
   */
  private ObjectNode sealedGiven(Change change, StoredRow before) {
    ResourceKey key = change.key();
    if (!SealedFields.has(key.kind())) {
      return change.given();
    }
    ObjectNode given = change.given().deepCopy();
    sealed.sealTree(
        key.kind(),
        key.namespace(),
        key.name(),
        given,
        before == null ? null : before.tree() != null ? before.tree() : before.treeCopy());
    return given;
  }

  private static String givenVersion(ObjectNode given) {
    JsonNode version = given.path("metadata").path("resourceVersion");
    return version.isValueNode() && !version.isNull() ? version.asText() : null;
  }

  private static void requireVersion(ResourceKey key, StoredRow stored, String givenVersion) {
    if (stored == null) {
      throw new NotFoundException(key + " not found");
    }
    String storedVersion = Long.toString(stored.resourceVersion());
    if (!storedVersion.equals(givenVersion)) {
      throw new ConflictException(
          key
              + " was modified: resourceVersion "
              + (givenVersion == null ? "(none)" : givenVersion)
              + " given, "
              + storedVersion
              + " stored; read it again and retry");
    }
  }

  private StoredRow created(ResourceKey key, ObjectNode given, long resourceVersion) {
    ObjectNode body = given;
    body.remove("status");
    ObjectNode metadata = objectField(body, "metadata");
    String uid = UUID.randomUUID().toString();
    String id = key.kind().idPrefix() + newIdSuffix();
    metadata.put("namespace", key.namespace());
    metadata.put("uid", uid);
    metadata.put("resourceVersion", Long.toString(resourceVersion));
    metadata.put("generation", 1L);
    metadata.put(
        "creationTimestamp",
        DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS)));
    objectField(metadata, "labels").put(GrytResource.ID_LABEL, id);
    return new StoredRow(key, id, uid, resourceVersion, 1, toJson(body), body);
  }

  private String newIdSuffix() {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }

  private static StoredRow updated(StoredRow before, ObjectNode given, long resourceVersion) {
    ObjectNode body = before.treeCopy();
    JsonNode newSpec = presentOrNull(given.get("spec"));
    boolean specChanged = !Objects.equals(presentOrNull(body.get("spec")), newSpec);
    setOrRemove(body, "spec", newSpec);

    ObjectNode metadata = objectField(body, "metadata");
    JsonNode givenMetadata = given.path("metadata");
    ObjectNode labels =
        givenMetadata.path("labels").isObject()
            ? ((ObjectNode) givenMetadata.get("labels")).deepCopy()
            : JSON.createObjectNode();
    // The typed id is how people and other resources refer to this one: it never changes.
    labels.put(GrytResource.ID_LABEL, before.id());
    metadata.set("labels", labels);
    setOrRemove(metadata, "annotations", presentOrNull(givenMetadata.get("annotations")));

    long generation = specChanged ? before.generation() + 1 : before.generation();
    metadata.put("generation", generation);
    metadata.put("resourceVersion", Long.toString(resourceVersion));
    return new StoredRow(
        before.key(), before.id(), before.uid(), resourceVersion, generation, toJson(body), body);
  }

  private static StoredRow statusUpdated(StoredRow before, ObjectNode given, long resourceVersion) {
    ObjectNode body = before.treeCopy();
    setOrRemove(body, "status", presentOrNull(given.get("status")));
    objectField(body, "metadata").put("resourceVersion", Long.toString(resourceVersion));
    return new StoredRow(
        before.key(),
        before.id(),
        before.uid(),
        resourceVersion,
        before.generation(),
        toJson(body),
        body);
  }

  /**
   * The counter row as one transaction sees it: read (and locked) once, advanced in memory by each
   * write, stored once before the commit ({@link #storeCounter}), so that writes sharing a
   * transaction do not each update the row and notify.
   */
  private static final class Counter {
    private final long read;
    private long value;
    private final long compactedThrough;

    Counter(long value, long compactedThrough) {
      this.read = value;
      this.value = value;
      this.compactedThrough = compactedThrough;
    }

    long value() {
      return value;
    }

    long compactedThrough() {
      return compactedThrough;
    }

    void advanceTo(long last) {
      value = Math.max(value, last);
    }

    boolean moved() {
      return value != read;
    }
  }

  /**
   * Stores the counter a transaction advanced, drops events beyond the retention, and tells other
   * processes: once per transaction, just before its commit.
   */
  private void storeCounter(Connection connection, Counter counter) throws SQLException {
    if (!counter.moved()) {
      return;
    }
    long compactedThrough = counter.compactedThrough();
    long oldestToDrop = counter.value() - eventRetention;
    if (oldestToDrop > compactedThrough) {
      try (PreparedStatement statement =
          connection.prepareStatement("DELETE FROM events WHERE resource_version <= ?")) {
        statement.setLong(1, oldestToDrop);
        statement.executeUpdate();
      }
      compactedThrough = oldestToDrop;
    }
    try (PreparedStatement statement = connection.prepareStatement(dialect.storeCounterSql())) {
      statement.setLong(1, counter.value());
      statement.setLong(2, compactedThrough);
      statement.execute();
    }
  }

  private Counter lockCounter(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(dialect.lockCounterSql())) {
      rows.next();
      return new Counter(rows.getLong(1), rows.getLong(2));
    }
  }

  private void write(
      Connection connection, Plan plan, Map<ResourceKey, StoredRow> stored, Counter counter)
      throws SQLException {
    List<StoredRow> deletes = new ArrayList<>();
    List<RowStatements.RowChange> updates = new ArrayList<>();
    List<StoredRow> inserts = new ArrayList<>();
    Set<ResourceKey> touched = new LinkedHashSet<>(stored.keySet());
    touched.addAll(plan.finalRows().keySet());
    // Only the state each row ends in is written; the event log records every step.
    for (ResourceKey key : touched) {
      StoredRow before = stored.get(key);
      StoredRow after = plan.finalRows().get(key);
      if (before != null && after == null) {
        deletes.add(before);
      } else if (before == null && after != null) {
        inserts.add(after);
      } else if (before != null && after.resourceVersion() != before.resourceVersion()) {
        updates.add(new RowStatements.RowChange(before, after));
      }
    }
    if (!deletes.isEmpty()) {
      rowStatements.delete(connection, deletes);
    }
    if (!updates.isEmpty()) {
      rowStatements.update(connection, updates);
    }
    if (!inserts.isEmpty()) {
      try {
        rowStatements.insert(connection, inserts);
      } catch (SQLException e) {
        if (isUniqueViolation(e)) {
          throw new AlreadyExistsException(
              "a resource in this commit was created concurrently: " + e.getMessage());
        }
        throw e;
      }
    }
    rowStatements.insertEvents(connection, plan.events());
    for (RowStatements.EventRow event : plan.events()) {
      if (event.type() == WatchEvent.Type.DELETED && event.key().kind() == ResourceKind.WEBHOOK) {
        forgetWebhook(connection, event.key());
      }
      if (event.type() == WatchEvent.Type.DELETED && event.key().kind() == ResourceKind.JOB_RUN) {
        forgetRunLogs(connection, event.key());
      }
    }
  }

  private boolean isUniqueViolation(SQLException e) {
    for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
      if (dialect.isUniqueViolation(cause)) {
        return true;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The original failure is what the caller needs; the pool discards a broken connection.
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    commitSignal.close();
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
    if (closed) {
      throw new StoreException("the store is closed");
    }
  }

  // ---------------------------------------------------------------- helpers

  private GrytResource<?, ?> toResource(StoredRow row) {
    return sealed.open(ResourceCodec.fromTree(row.key().kind().type(), row.tree()));
  }

  private interface SqlWork<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  private <T> T query(String sql, SqlWork<T> work) {
    ensureOpen();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      return work.run(statement);
    } catch (SQLException e) {
      throw databaseFailure("read", e);
    }
  }

  private StoreException databaseFailure(String action, SQLException e) {
    return new StoreException(
        dialect.displayName() + " store could not " + action + ": " + e.getMessage(), e);
  }

  /** An object as stored, its secret field opened. */
  private <R extends GrytResource<?, ?>> R read(Class<R> type, String json) {
    try {
      return sealed.open(JSON.readValue(json, type));
    } catch (JsonProcessingException e) {
      throw new StoreException("stored " + type.getSimpleName() + " is not valid JSON", e);
    }
  }

  private static ObjectNode parseObject(byte[] json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (IOException | ClassCastException e) {
      throw new StoreException("not a JSON object: " + e.getMessage(), e);
    }
  }

  private static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  private static ResourceKind kindNamed(String kind) {
    return ResourceKind.fromKind(kind)
        .orElseThrow(() -> new StoreException("unknown kind in the store: " + kind));
  }

  private static String namespaceOrDefault(String namespace) {
    return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("metadata.name is required");
    }
    return name;
  }

  private static JsonNode presentOrNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  private static void setOrRemove(ObjectNode parent, String field, JsonNode value) {
    if (value == null) {
      parent.remove(field);
    } else {
      parent.set(field, value.deepCopy());
    }
  }

  private static ObjectNode objectField(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing instanceof ObjectNode object) {
      return object;
    }
    ObjectNode created = JSON.createObjectNode();
    parent.set(field, created);
    return created;
  }

  // ---------------------------------------------------------------- for stores of other resources

  /**
   * This database's tables for what is kept beside the resources (webhook keys and deliveries, run
   * logs), for a store that keeps the resources themselves elsewhere (Kubernetes).
   */
  public SqlSideTables sideTables() {
    ensureOpen();
    return new SqlSideTables(this);
  }

  /** How this store seals secret fields, for a store that keeps the resources elsewhere. */
  public SealedFields sealedFields() {
    return sealed;
  }

  WebhookKey sideWebhookKey(String namespace, String name, boolean rotate) {
    return inWriteTransaction(
        rotate ? "rotate a webhook key" : "make a webhook key",
        (connection, counter) -> {
          if (rotate) {
            forgetKey(connection, namespace, name);
          } else {
            Optional<WebhookKey> stored = storedKey(connection, namespace, name);
            if (stored.isPresent()) {
              return stored.get();
            }
          }
          return insertKey(connection, namespace, name);
        });
  }

  void sideForgetWebhook(String namespace, String name) {
    inWriteTransaction(
        "forget a webhook's key and deliveries",
        (connection, counter) -> {
          forgetWebhook(connection, new ResourceKey(ResourceKind.WEBHOOK, namespace, name));
          return null;
        });
  }

  Optional<Delivery> sideFindDelivery(String namespace, String name, String deliveryId) {
    return inWriteTransaction(
        "read a delivery",
        (connection, counter) -> findDelivery(connection, namespace, name, deliveryId));
  }

  /** Inserts a delivery with a new id and this store's time; empty when its id was taken. */
  Optional<Delivery> sideInsertDelivery(Delivery delivery) {
    Delivery stored =
        new Delivery(
            "dlv-" + newIdSuffix(),
            delivery.webhookNamespace(),
            delivery.webhookName(),
            delivery.event(),
            delivery.deliveryId(),
            Instant.now(clock),
            delivery.status(),
            delivery.reason(),
            delivery.runId());
    return inWriteTransaction(
        "record a delivery",
        (connection, counter) ->
            insertDelivery(connection, stored) ? Optional.of(stored) : Optional.empty());
  }

  void sideSetDeliveryRun(String deliveryRecordId, String runId) {
    inWriteTransaction(
        "record a delivery's run",
        (connection, counter) -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  runId == null
                      ? "DELETE FROM webhook_deliveries WHERE id = ?"
                      : "UPDATE webhook_deliveries SET run_id = ? WHERE id = ?")) {
            if (runId == null) {
              statement.setString(1, deliveryRecordId);
            } else {
              statement.setString(1, runId);
              statement.setString(2, deliveryRecordId);
            }
            statement.executeUpdate();
          }
          return null;
        });
  }

  void sideAppendLogs(
      String namespace,
      String name,
      int attempt,
      List<RunReport.LogText> logs,
      int maxChars,
      long maxCharsPerRun) {
    inWriteTransaction(
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

  void sideForgetRunLogs(String namespace, String name) {
    inWriteTransaction(
        "forget a run's logs",
        (connection, counter) -> {
          forgetRunLogs(connection, new ResourceKey(ResourceKind.JOB_RUN, namespace, name));
          return null;
        });
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
