package dev.gryt.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.ResourceKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The numbered schema migrations, applied in order when a store opens. {@code schema_version} holds
 * one row per applied migration. Migrations are append-only: never edit one that has shipped.
 *
 * <p>The SQL is written to run unchanged on SQLite and PostgreSQL.
 */
final class SchemaMigrations {
  /** Index i holds migration number i + 1. */
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              // One row: the global resourceVersion and how far the event log has been compacted.
              """
              CREATE TABLE resource_version_counter (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                value BIGINT NOT NULL,
                compacted_through BIGINT NOT NULL)""",
              "INSERT INTO resource_version_counter (id, value, compacted_through) VALUES (1, 0, 0)",
              """
              CREATE TABLE resources (
                kind TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                id TEXT NOT NULL UNIQUE,
                uid TEXT NOT NULL,
                resource_version BIGINT NOT NULL,
                generation BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (kind, namespace, name))""",
              """
              CREATE TABLE events (
                resource_version BIGINT PRIMARY KEY,
                kind TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                body TEXT NOT NULL)"""),
          List.of(
              // Trigger keys live apart from the Webhook resource so that no list shows them.
              """
              CREATE TABLE webhook_keys (
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                webhook_key TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                PRIMARY KEY (namespace, name))""",
              // A NULL delivery_id (a manual trigger) never collides: both databases let a UNIQUE
              // column hold many NULLs.
              """
              CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                event TEXT NOT NULL,
                delivery_id TEXT,
                received_at TEXT NOT NULL,
                status TEXT NOT NULL,
                reason TEXT,
                run_id TEXT,
                seq BIGINT NOT NULL,
                UNIQUE (namespace, name, delivery_id))""",
              "CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (namespace, name,"
                  + " seq)"),
          List.of(
              // Accounts and API keys. The tenant prefix maps an account's namespaces into the
              // shared resource tables; UNIQUE keeps two accounts from ever sharing one.
              """
              CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                tenant_prefix TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL)""",
              """
              CREATE TABLE api_keys (
                key_id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts (id),
                name TEXT NOT NULL,
                sealed_secret TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT,
                revoked_at TEXT)""",
              "CREATE INDEX api_keys_by_account ON api_keys (account_id)"),
          List.of(
              // Generations (release contracts) and evolutions (proofs of their changes), the
              // cloud replica of what the local-first CLI keeps in .gryt/gryt.db. Scoped by
              // account: one account's version never collides with another's.
              """
              CREATE TABLE generations (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                version TEXT NOT NULL,
                description TEXT NOT NULL,
                changes TEXT NOT NULL,
                status TEXT NOT NULL,
                promoted_by TEXT,
                promoted_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (account_id, version))""",
              """
              CREATE TABLE evolutions (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                generation_id TEXT NOT NULL,
                change_id TEXT NOT NULL,
                code_name TEXT NOT NULL,
                status TEXT NOT NULL,
                pipeline TEXT,
                started_at TEXT NOT NULL,
                completed_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (account_id, code_name))""",
              "CREATE INDEX evolutions_by_generation ON evolutions (account_id, generation_id)"),
          List.of(
              // A run's output, in the order its agent reported it; deleted with the run.
              """
              CREATE TABLE run_logs (
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                seq BIGINT NOT NULL,
                step TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                text TEXT NOT NULL,
                truncated INTEGER NOT NULL,
                PRIMARY KEY (namespace, name, seq))"""),
          List.of(
              // describe reads one object's recent changes: by object, newest first.
              "CREATE INDEX events_by_object ON events (kind, namespace, name, resource_version)"),
          List.of(
              // Teams own resources, generations and runs as accounts do, under a tenant prefix of
              // their own; members act for the team.
              """
              CREATE TABLE teams (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                tenant_prefix TEXT NOT NULL UNIQUE,
                created_by TEXT NOT NULL REFERENCES accounts (id),
                created_at TEXT NOT NULL)""",
              """
              CREATE TABLE team_members (
                team_id TEXT NOT NULL REFERENCES teams (id),
                account_id TEXT NOT NULL REFERENCES accounts (id),
                role TEXT NOT NULL,
                added_at TEXT NOT NULL,
                PRIMARY KEY (team_id, account_id))""",
              "CREATE INDEX team_members_by_account ON team_members (account_id)"),
          List.of(
              // The admin disables an account: its logins and keys are refused from then on.
              "ALTER TABLE accounts ADD COLUMN disabled_at TEXT"),
          List.of(
              // Secrets sealed at rest (see SEALING and sealSecrets): trigger keys found by a keyed
              // hash, read back by their owner from a sealed copy.
              """
              CREATE TABLE webhook_trigger_keys (
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                sealed_key TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (namespace, name))""",
              // Signed requests seen inside the time window, shared by every server on this
              // database, so a request replayed to another replica is refused too.
              """
              CREATE TABLE seen_signatures (
                signature TEXT PRIMARY KEY,
                expires_at BIGINT NOT NULL)""",
              "CREATE INDEX seen_signatures_by_expiry ON seen_signatures (expires_at)"),
          List.of(
              // What a delivery said besides its event, for the deliveries list and redelivery: its
              // branch and commit, whether its signature was checked (NULL: recorded before this
              // was kept), its payload (capped by the caller) and the delivery it replays.
              "ALTER TABLE webhook_deliveries ADD COLUMN branch TEXT",
              "ALTER TABLE webhook_deliveries ADD COLUMN sha TEXT",
              "ALTER TABLE webhook_deliveries ADD COLUMN signature_checked INTEGER",
              "ALTER TABLE webhook_deliveries ADD COLUMN payload TEXT",
              "ALTER TABLE webhook_deliveries ADD COLUMN payload_bytes BIGINT NOT NULL DEFAULT 0",
              "ALTER TABLE webhook_deliveries ADD COLUMN payload_truncated INTEGER NOT NULL"
                  + " DEFAULT 0",
              "ALTER TABLE webhook_deliveries ADD COLUMN redelivery_of TEXT"),
          List.of(
              // The dashboard's sessions and one-time sign-in links: a hash of each token only.
              """
              CREATE TABLE dashboard_sessions (
                token_hash TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                team TEXT,
                created_at TEXT NOT NULL,
                expires_at BIGINT NOT NULL)""",
              "CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at)"),
          List.of(
              // What the original gryt client sends besides gryt's own fields: its own ids, a
              // generation's pipeline template, an evolution's tag, proof run and author; and the
              // proof runs it uploads, one row per (account, the client's pipeline_id).
              "ALTER TABLE generations ADD COLUMN client_id TEXT",
              "ALTER TABLE generations ADD COLUMN pipeline_template TEXT",
              "ALTER TABLE evolutions ADD COLUMN client_id TEXT",
              "ALTER TABLE evolutions ADD COLUMN tag TEXT",
              "ALTER TABLE evolutions ADD COLUMN pipeline_run_id TEXT",
              "ALTER TABLE evolutions ADD COLUMN created_by TEXT",
              """
              CREATE TABLE pipeline_runs (
                account_id TEXT NOT NULL,
                pipeline_id TEXT NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at TEXT,
                ended_at TEXT,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (account_id, pipeline_id))"""),
          List.of(
              // What the runs list sorts and filters a JobRun by, beside its body (SqlRuns): the
              // list reads a page without parsing every run. Null in other kinds' rows. The index
              // and the values of the runs already stored come after, in Java (RUN_COLUMNS).
              "ALTER TABLE resources ADD COLUMN run_created TEXT",
              "ALTER TABLE resources ADD COLUMN run_job TEXT",
              "ALTER TABLE resources ADD COLUMN run_phase TEXT",
              "ALTER TABLE resources ADD COLUMN run_branch TEXT"));

  /**
   * The migration that seals secrets at rest: after its SQL, {@link #sealSecrets} moves the trigger
   * keys and seals every cleartext secret in the resources and the event log.
   */
  static final int SEALING = 9;

  /** The migration that keeps a delivery's branch, commit, signature flag and payload. */
  static final int DELIVERY_DETAILS = 10;

  /**
   * The migration that adds the runs list's columns; after its SQL, the stored runs' values are
   * filled in and the list's index made (its collation is the dialect's, see {@link SqlRuns}).
   */
  static final int RUN_COLUMNS = 13;

  /** Work a migration does in Java after its SQL, in the same transaction. */
  private interface JavaStep {
    void run(Connection connection, SealedFields fields, SqlDialect dialect) throws SQLException;
  }

  private static final Map<Integer, JavaStep> JAVA_STEPS =
      Map.of(
          SEALING,
          (connection, fields, dialect) -> sealSecrets(connection, fields),
          RUN_COLUMNS,
          (connection, fields, dialect) -> {
            SqlRuns.fillColumns(connection);
            try (Statement statement = connection.createStatement()) {
              statement.execute(SqlRuns.indexSql(dialect));
            }
          });

  private SchemaMigrations() {}

  /** The schema version this code writes. */
  static int latestVersion() {
    return MIGRATIONS.size();
  }

  /**
   * Brings the schema up to {@link #latestVersion()}; returns how many migrations ran. When the
   * sealing migration ran, the database is compacted afterwards so that no page still holds a
   * cleartext secret.
   */
  static int apply(DataSource dataSource, SqlDialect dialect, Clock clock, SealedFields sealed)
      throws SQLException {
    int current = migrate(dataSource, dialect, clock, sealed);
    if (current < SEALING && latestVersion() >= SEALING) {
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        connection.setAutoCommit(true);
        for (String sql : dialect.compactAfterSealingSql()) {
          statement.execute(sql);
        }
      }
    }
    return latestVersion() - current;
  }

  /** Runs the missing migrations in one transaction; returns the version found before. */
  private static int migrate(
      DataSource dataSource, SqlDialect dialect, Clock clock, SealedFields sealed)
      throws SQLException {
    return migrate(dataSource, dialect, clock, sealed, latestVersion());
  }

  /**
   * Runs the migrations up to {@code target} in one transaction; returns the version found before.
   * Tests make a database of an older schema with it.
   */
  static int migrate(
      DataSource dataSource, SqlDialect dialect, Clock clock, SealedFields sealed, int target)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        if (dialect.lockMigrationsSql() != null) {
          statement.execute(dialect.lockMigrationsSql());
        }
        statement.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
                + "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        int current;
        try (var rows = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
          rows.next();
          current = rows.getInt(1);
        }
        if (current > latestVersion()) {
          throw new StoreException(
              "the database schema is version "
                  + current
                  + " but this gryt knows only up to "
                  + latestVersion()
                  + ": upgrade gryt");
        }
        for (int version = current + 1; version <= target; version++) {
          for (String sql : MIGRATIONS.get(version - 1)) {
            statement.execute(sql);
          }
          JavaStep step = JAVA_STEPS.get(version);
          if (step != null) {
            step.run(connection, sealed, dialect);
          }
          try (PreparedStatement record =
              connection.prepareStatement(
                  "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
            record.setInt(1, version);
            record.setString(2, Instant.now(clock).toString());
            record.executeUpdate();
          }
        }
        connection.commit();
        return current;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /**
   * Migration {@value #SEALING}'s work: each trigger key moves to {@code webhook_trigger_keys} as a
   * keyed hash and a sealed copy ({@code webhook_keys} is dropped), and every cleartext webhook
   * secret and repository token in {@code resources} and {@code events} is sealed.
   */
  private static void sealSecrets(Connection connection, SealedFields sealed) throws SQLException {
    SecretSealer sealer = sealed.sealer();
    try (Statement read = connection.createStatement();
        ResultSet rows =
            read.executeQuery("SELECT namespace, name, webhook_key, created_at FROM webhook_keys");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO webhook_trigger_keys (namespace, name, key_hash, sealed_key,"
                    + " created_at) VALUES (?, ?, ?, ?, ?)")) {
      while (rows.next()) {
        String namespace = rows.getString(1);
        String name = rows.getString(2);
        String key = rows.getString(3);
        insert.setString(1, namespace);
        insert.setString(2, name);
        insert.setString(3, sealer.keyedHash(key));
        insert.setString(4, sealer.seal(key, WebhookKey.sealingContext(namespace, name)));
        insert.setString(5, rows.getString(4));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (Statement drop = connection.createStatement()) {
      drop.execute("DROP TABLE webhook_keys");
    }
    String kinds =
        "('" + ResourceKind.WEBHOOK.kind() + "', '" + ResourceKind.GITHUB_REPO.kind() + "')";
    sealBodies(
        connection,
        sealed,
        "SELECT kind, namespace, name, body, id FROM resources WHERE kind IN " + kinds,
        "UPDATE resources SET body = ? WHERE id = ?");
    sealBodies(
        connection,
        sealed,
        "SELECT kind, namespace, name, body, resource_version FROM events WHERE kind IN " + kinds,
        "UPDATE events SET body = ? WHERE resource_version = ?");
  }

  /** Seals the bodies {@code select} finds (kind, namespace, name, body, row key). */
  private static void sealBodies(
      Connection connection, SealedFields sealed, String select, String update)
      throws SQLException {
    var json = dev.gryt.crds.ResourceCodec.json();
    try (Statement read = connection.createStatement();
        ResultSet rows = read.executeQuery(select);
        PreparedStatement write = connection.prepareStatement(update)) {
      int batched = 0;
      while (rows.next()) {
        ResourceKind kind =
            ResourceKind.fromKind(rows.getString(1))
                .orElseThrow(() -> new StoreException("unknown kind in the store"));
        ObjectNode body;
        try {
          body = (ObjectNode) json.readTree(rows.getString(4));
        } catch (JsonProcessingException | ClassCastException e) {
          throw new StoreException("a stored " + kind.kind() + " is not a JSON object", e);
        }
        if (sealed.sealStoredTree(kind, rows.getString(2), rows.getString(3), body)) {
          try {
            write.setString(1, json.writeValueAsString(body));
          } catch (JsonProcessingException e) {
            throw new StoreException("cannot write JSON: " + e.getMessage(), e);
          }
          write.setObject(2, rows.getObject(5));
          write.addBatch();
          batched++;
        }
      }
      if (batched > 0) {
        write.executeBatch();
      }
    }
  }
}
