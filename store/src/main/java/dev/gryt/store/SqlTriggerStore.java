package dev.gryt.store;

import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TriggerStore} of a {@link SqlResourceStore}: {@code webhook_trigger_keys} (a keyed
 * hash to find a Webhook by, a sealed copy to show its owner) and {@code webhook_deliveries}. A
 * delivery's run is planned by the resource store's {@link SqlResourceWrites} and inserted with the
 * delivery, in one transaction; the conditions (the Webhook and the Job exist, the delivery id is
 * new) are in the statements.
 */
public final class SqlTriggerStore implements TriggerStore {
  private final SqlTransactions transactions;
  private final SqlResourceWrites writes;
  private final SealedFields sealed;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SqlTriggerStore(
      SqlTransactions transactions, SqlResourceWrites writes, SealedFields sealed, Clock clock) {
    this.transactions = transactions;
    this.writes = writes;
    this.sealed = sealed;
    this.clock = clock;
  }

  private static final String DELIVERY_COLUMNS =
      "id, namespace, name, event, delivery_id, received_at, status, reason, run_id, branch, sha,"
          + " signature_checked, payload_bytes, payload_truncated, redelivery_of";

  /** What a delivery's transaction wrote: the record, and the run's commit when there was one. */
  private record DeliveryWrite(Delivery.Recorded recorded, SqlResourceWrites.Plan plan) {}

  @Override
  public Delivery.Recorded recordDelivery(
      Delivery delivery, String payload, Optional<Mutation.Create> run) {
    Objects.requireNonNull(delivery, "delivery");
    String namespace = SqlResourceWrites.namespaceOrDefault(delivery.webhookNamespace());
    String name = SqlResourceWrites.requireName(delivery.webhookName());
    List<SqlResourceWrites.Change> changes =
        run.map(create -> List.of(SqlResourceWrites.changeOf(create))).orElse(List.of());
    String jobName = run.map(create -> ObjectRules.jobOf(create.resource())).orElse(null);
    // A repeated delivery id, also from another process at the same moment, is settled by the
    // unique index (the insert does nothing), not by a failure to retry.
    DeliveryWrite written =
        transactions.write(
            "record a delivery",
            (connection, counter) -> {
              // The run is planned first (it names the run id the delivery records). Its
              // name is new (made by the caller from random bits), so it is planned without
              // reading its row: a taken name fails the insert instead.
              SqlResourceWrites.Plan planned =
                  changes.isEmpty() ? null : writes.plan(changes, Map.of(), counter.value());
              Delivery stored =
                  delivery
                      .of(namespace, name)
                      .recorded(
                          delivery.id() == null ? Delivery.newId() : delivery.id(),
                          Instant.now(clock))
                      .withRun(planned == null ? null : planned.results().get(0).id());
              if (!insertDeliveryAndRun(connection, stored, payload, jobName, planned)) {
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
      transactions.committed(written.plan().lastResourceVersion());
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
    int checked = rows.getInt(12);
    Boolean signatureChecked = rows.wasNull() ? null : checked != 0;
    return new Delivery(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        rows.getString(4),
        rows.getString(5),
        Instant.parse(rows.getString(6)),
        rows.getString(7),
        rows.getString(8),
        rows.getString(9),
        new Delivery.Details(
            rows.getString(10),
            rows.getString(11),
            signatureChecked,
            rows.getLong(13),
            rows.getInt(14) != 0,
            rows.getString(15)));
  }

  /**
   * Records a delivery and the run it starts, each row written only when its Webhook and the run's
   * Job exist and its delivery id is new: the conditions are in the statements, so that PostgreSQL
   * gets the three in one round trip (SQLite, in process, runs them one by one).
   *
   * @return false when nothing was written
   */
  private boolean insertDeliveryAndRun(
      Connection connection,
      Delivery delivery,
      String payload,
      String jobName,
      SqlResourceWrites.Plan run)
      throws SQLException {
    String exists =
        "EXISTS (SELECT 1 FROM resources WHERE kind = ? AND namespace = ? AND name = ?)";
    String insertDelivery = deliveryInsertSql(exists + (run == null ? "" : " AND " + exists));
    // Only after this delivery's row: its id is new, so it exists only if it was just written.
    String ifRecorded = " WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?)";
    String insertRun =
        "INSERT INTO resources (kind, namespace, name, id, uid, resource_version, generation,"
            + " body, run_created, run_job, run_phase, run_branch)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            + ifRecorded;
    String insertEvent =
        "INSERT INTO events (resource_version, kind, namespace, name, type, body)"
            + " SELECT ?, ?, ?, ?, ?, ?"
            + ifRecorded;
    try {
      if (transactions.dialect().sendsStatementsTogether()) {
        String sql =
            run == null
                ? insertDelivery
                : String.join("; ", insertDelivery, insertRun, insertEvent);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          int next = bindDelivery(statement, delivery, payload, jobName);
          if (run != null) {
            next = bindRunRow(statement, delivery, run.results().get(0), next);
            bindRunEvent(statement, delivery, run.events().get(0), next);
          }
          statement.execute();
          return statement.getUpdateCount() == 1;
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(insertDelivery)) {
        bindDelivery(statement, delivery, payload, jobName);
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
      if (run != null && transactions.isUniqueViolation(e)) {
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
        + ", payload, seq) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        + " COALESCE((SELECT seq FROM"
        + " webhook_deliveries WHERE namespace = ? AND name = ? ORDER BY seq DESC LIMIT 1), 0) + 1"
        // The upsert clause ends the SELECT (SQLite needs a WHERE before it to tell).
        + " WHERE "
        + condition
        + " ON CONFLICT (namespace, name, delivery_id) DO NOTHING";
  }

  /** Binds a delivery's row from parameter 1; returns the next parameter index. */
  private static int bindDeliveryRow(PreparedStatement statement, Delivery delivery, String payload)
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
    Delivery.Details details = delivery.details();
    statement.setString(i++, details.branch());
    statement.setString(i++, details.sha());
    if (details.signatureChecked() == null) {
      statement.setNull(i++, java.sql.Types.INTEGER);
    } else {
      statement.setInt(i++, details.signatureChecked() ? 1 : 0);
    }
    statement.setLong(i++, details.payloadBytes());
    statement.setInt(i++, details.payloadTruncated() ? 1 : 0);
    statement.setString(i++, details.redeliveryOf());
    statement.setString(i++, payload);
    statement.setString(i++, delivery.webhookNamespace());
    statement.setString(i++, delivery.webhookName());
    return i;
  }

  /** Binds a delivery's row, its Webhook's key and, when given, its run's Job's. */
  private static int bindDelivery(
      PreparedStatement statement, Delivery delivery, String payload, String jobName)
      throws SQLException {
    int i = bindDeliveryRow(statement, delivery, payload);
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
    i = SqliteRowStatements.bindRunColumns(statement, SqlRuns.Columns.of(row), i);
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
  private static boolean insertDelivery(Connection connection, Delivery delivery, String payload)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(deliveryInsertSql("true"))) {
      bindDeliveryRow(statement, delivery, payload);
      return statement.executeUpdate() == 1;
    }
  }

  @Override
  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    return transactions.query(
        "SELECT "
            + DELIVERY_COLUMNS
            + " FROM webhook_deliveries WHERE namespace = ? AND name = ?"
            + " ORDER BY seq DESC LIMIT ?",
        statement -> {
          statement.setString(1, SqlResourceWrites.namespaceOrDefault(namespace));
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
  public Optional<Delivery> delivery(String namespace, String webhookName, String recordId) {
    return transactions.query(
        "SELECT "
            + DELIVERY_COLUMNS
            + " FROM webhook_deliveries WHERE namespace = ? AND name = ? AND id = ?",
        statement -> {
          statement.setString(1, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(2, webhookName);
          statement.setString(3, recordId);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(deliveryOf(rows)) : Optional.empty();
          }
        });
  }

  @Override
  public Optional<String> payload(String namespace, String webhookName, String recordId) {
    return transactions.query(
        "SELECT payload FROM webhook_deliveries WHERE namespace = ? AND name = ? AND id = ?",
        statement -> {
          statement.setString(1, SqlResourceWrites.namespaceOrDefault(namespace));
          statement.setString(2, webhookName);
          statement.setString(3, recordId);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
          }
        });
  }

  @Override
  public WebhookKey webhookKey(String namespace, String webhookName) {
    String ns = SqlResourceWrites.namespaceOrDefault(namespace);
    return transactions.write(
        "make a webhook key",
        (connection, counter) -> {
          requireWebhook(connection, ns, webhookName);
          Optional<WebhookKey> stored = storedKey(connection, ns, webhookName);
          return stored.isPresent() ? stored.get() : insertKey(connection, ns, webhookName);
        });
  }

  @Override
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    String ns = SqlResourceWrites.namespaceOrDefault(namespace);
    return transactions.write(
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
    return transactions.query(
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
    return transactions.query(
        "SELECT r.body FROM webhook_trigger_keys k JOIN resources r"
            + " ON r.kind = ? AND r.namespace = k.namespace AND r.name = k.name"
            + " WHERE k.key_hash = ?",
        statement -> {
          statement.setString(1, ResourceKind.WEBHOOK.kind());
          statement.setString(2, hash);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next()
                ? Optional.of(writes.read(Webhook.class, rows.getString(1)))
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
  static void forgetWebhook(Connection connection, ResourceKey key) throws SQLException {
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
    if (jobName != null) {
      ObjectRules.requireJob(
          namespace, name, jobName, exists(connection, ResourceKind.JOB, namespace, jobName));
    }
  }

  private static void requireWebhook(Connection connection, String namespace, String name)
      throws SQLException {
    ObjectRules.requireWebhook(
        namespace, name, exists(connection, ResourceKind.WEBHOOK, namespace, name));
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

  /** {@link SqlSideTables#webhookKey}, {@link SqlSideTables#rotateWebhookKey}. */
  WebhookKey keyWithoutWebhook(String namespace, String name, boolean rotate) {
    return transactions.write(
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

  /** {@link SqlSideTables#forgetWebhook}. */
  void forgetWebhook(String namespace, String name) {
    transactions.write(
        "forget a webhook's key and deliveries",
        (connection, counter) -> {
          forgetWebhook(connection, new ResourceKey(ResourceKind.WEBHOOK, namespace, name));
          return null;
        });
  }

  /** {@link SqlSideTables#findDelivery}. */
  Optional<Delivery> findDelivery(String namespace, String name, String deliveryId) {
    return transactions.write(
        "read a delivery",
        (connection, counter) -> findDelivery(connection, namespace, name, deliveryId));
  }

  /** Inserts a delivery with a new id and this store's time; empty when its id was taken. */
  Optional<Delivery> insertDelivery(Delivery delivery, String payload) {
    Delivery stored =
        delivery.recorded(
            delivery.id() == null ? Delivery.newId() : delivery.id(), Instant.now(clock));
    return transactions.write(
        "record a delivery",
        (connection, counter) ->
            insertDelivery(connection, stored, payload) ? Optional.of(stored) : Optional.empty());
  }

  /**
   * {@link SqlSideTables#setDeliveryRun}, and with a null run {@link SqlSideTables#removeDelivery}.
   */
  void setDeliveryRun(String deliveryRecordId, String runId) {
    transactions.write(
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
}
