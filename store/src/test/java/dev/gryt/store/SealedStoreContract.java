package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookSpec;
import dev.gryt.store.TestDatabases.TestDatabase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest, on every SQL store: webhook secrets, repository tokens and trigger keys are
 * never in the database in the clear (the rows, the event log, the key table; on SQLite the file's
 * very bytes), yet read back as given; a database made by the schema before sealing is migrated in
 * place; and the replay ledger is shared by every store on one database.
 */
abstract class SealedStoreContract {
  static final Instant NOW = Instant.parse("2026-03-04T05:06:07.891Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String HOOK_SECRET = "hook-secret-4f1c9b2e";
  static final String TOKEN = "ghp_token7d3a0c58e1";
  static final String OLD_KEY = "wh_oldTriggerKey0123456789abcdefghijklmnopq";
  static final SecretSealer SEALER = new SecretSealer(masterKey());

  private final List<TestDatabase> databases = new ArrayList<>();
  private final List<ResourceStore> stores = new ArrayList<>();

  /** A new, empty database. */
  protected abstract TestDatabase newDatabase();

  /** Everything the database holds, as text: where a cleartext secret would show. */
  protected abstract String rawContents(TestDatabase database) throws Exception;

  /** The JDBC URL of the database, for making an old schema by hand. */
  protected abstract String jdbcUrl(TestDatabase database);

  /** The dialect of the database. */
  protected abstract SqlDialect dialect(TestDatabase database);

  private static byte[] masterKey() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i * 7 + 3);
    }
    return key;
  }

  TestDatabase database() {
    TestDatabase database = newDatabase();
    databases.add(database);
    return database;
  }

  ResourceStore open(TestDatabase database) {
    ResourceStore store = StoreFactory.open(database.url(), CLOCK, SEALER);
    stores.add(store);
    return store;
  }

  @AfterEach
  void close() {
    stores.forEach(ResourceStore::close);
    databases.forEach(TestDatabase::close);
  }

  static Webhook webhook(String secret) {
    Webhook webhook = new Webhook();
    webhook.setMetadata(new ObjectMetaBuilder().withNamespace("t1-ci").withName("hook").build());
    WebhookSpec spec = new WebhookSpec();
    spec.jobName = "build";
    spec.secret = secret;
    webhook.setSpec(spec);
    return webhook;
  }

  static GitHubRepo repo(String token) {
    GitHubRepo repo = new GitHubRepo();
    repo.setMetadata(new ObjectMetaBuilder().withNamespace("t1-ci").withName("repo").build());
    GitHubRepoSpec spec = new GitHubRepoSpec();
    spec.gitUrl = "https://github.com/acme/app.git";
    spec.accessToken = token;
    repo.setSpec(spec);
    return repo;
  }

  @Test
  void secretsAreSealedInRowsEventsAndKeysYetReadBackAsGiven() throws Exception {
    TestDatabase database = database();
    ResourceStore store = open(database);
    Webhook hook = store.create(webhook(HOOK_SECRET));
    GitHubRepo repo = store.create(repo(TOKEN));
    assertThat(hook.getSpec().secret).isEqualTo(HOOK_SECRET);
    assertThat(repo.getSpec().accessToken).isEqualTo(TOKEN);
    // Written back unchanged (as apply does), nothing moves: the sealed form is kept.
    Webhook same = store.update(hook);
    assertThat(same.getMetadata().getGeneration()).isEqualTo(1L);
    repo.getSpec().accessToken = TOKEN + "-new";
    GitHubRepo changed = store.update(repo);
    assertThat(changed.getMetadata().getGeneration()).isEqualTo(2L);
    String key = store.triggers().webhookKey("t1-ci", "hook").key();

    assertThat(store.get(Webhook.class, "t1-ci", "hook").orElseThrow().getSpec().secret)
        .isEqualTo(HOOK_SECRET);
    assertThat(store.list(GitHubRepo.class, "t1-ci", Map.of()).get(0).getSpec().accessToken)
        .isEqualTo(TOKEN + "-new");
    assertThat(store.events(0, 100))
        .filteredOn(e -> e.resource() instanceof Webhook)
        .allSatisfy(
            e -> assertThat(((Webhook) e.resource()).getSpec().secret).isEqualTo(HOOK_SECRET));
    assertThat(store.triggers().findWebhookKey(key).orElseThrow().name()).isEqualTo("hook");
    assertThat(store.triggers().webhookByKey(key).orElseThrow().getSpec().secret)
        .isEqualTo(HOOK_SECRET);
    assertThat(store.triggers().webhookKey("t1-ci", "hook").key()).isEqualTo(key);

    store.close();
    String raw = rawContents(database);
    assertThat(raw).contains(SecretSealer.PREFIX);
    assertThat(raw).doesNotContain(HOOK_SECRET).doesNotContain(TOKEN).doesNotContain(key);
  }

  @Test
  void aSealedValueGivenByACallerIsSealedAsCleartextNotTrusted() {
    ResourceStore store = open(database());
    store.create(webhook(HOOK_SECRET));
    String stolen = SEALER.seal("someone-elses-secret", "Webhook/t2-ci/hook/secret");
    Webhook forged = webhook(stolen);
    forged.getMetadata().setName("forged");
    // Never opened for the caller: the value it gave is its secret, byte for byte.
    assertThat(store.create(forged).getSpec().secret).isEqualTo(stolen);
  }

  @Test
  void existingCleartextIsSealedInPlaceByTheMigration() throws Exception {
    TestDatabase database = database();
    String hookJson = todaysBody(webhook(HOOK_SECRET), "webhook-0a1b2c3d4e5f", 1);
    String repoJson = todaysBody(repo(TOKEN), "repo-0a1b2c3d4e5f", 2);
    try (HikariDataSource old = dataSource(database)) {
      SchemaMigrations.migrate(old, dialect(database), CLOCK, null, SchemaMigrations.SEALING - 1);
      try (Connection connection = old.getConnection()) {
        insertRow(connection, "Webhook", "hook", "webhook-0a1b2c3d4e5f", 1, hookJson);
        insertRow(connection, "GitHubRepo", "repo", "repo-0a1b2c3d4e5f", 2, repoJson);
        insertEvent(connection, 1, "Webhook", "hook", hookJson);
        insertEvent(connection, 2, "GitHubRepo", "repo", repoJson);
        try (Statement statement = connection.createStatement()) {
          statement.executeUpdate("UPDATE resource_version_counter SET value = 2");
          statement.executeUpdate(
              "INSERT INTO webhook_keys (namespace, name, webhook_key, created_at) VALUES"
                  + " ('t1-ci', 'hook', '"
                  + OLD_KEY
                  + "', '2026-01-01T00:00:00Z')");
        }
      }
    }
    assertThat(rawContents(database)).contains(HOOK_SECRET).contains(TOKEN).contains(OLD_KEY);

    ResourceStore store = open(database);
    assertThat(store.get(Webhook.class, "t1-ci", "hook").orElseThrow().getSpec().secret)
        .isEqualTo(HOOK_SECRET);
    assertThat(store.get(GitHubRepo.class, "t1-ci", "repo").orElseThrow().getSpec().accessToken)
        .isEqualTo(TOKEN);
    // The trigger URL people configured keeps working, and its owner still reads it back.
    assertThat(store.triggers().findWebhookKey(OLD_KEY).orElseThrow().name()).isEqualTo("hook");
    assertThat(store.triggers().webhookKey("t1-ci", "hook").key()).isEqualTo(OLD_KEY);
    assertThat(store.history(dev.gryt.crds.ResourceKind.WEBHOOK, "t1-ci", "hook", 10))
        .singleElement()
        .satisfies(
            e -> assertThat(((Webhook) e.resource()).getSpec().secret).isEqualTo(HOOK_SECRET));
    store.close();

    String raw = rawContents(database);
    assertThat(raw).doesNotContain(HOOK_SECRET).doesNotContain(TOKEN).doesNotContain(OLD_KEY);
  }

  @Test
  void aDeliveryRecordedBeforeItsDetailsWereKeptReadsBackWithoutThem() throws Exception {
    TestDatabase database = database();
    String hookJson = todaysBody(webhook(null), "webhook-0a1b2c3d4e5f", 1);
    try (HikariDataSource old = dataSource(database)) {
      SchemaMigrations.migrate(
          old,
          dialect(database),
          CLOCK,
          new SealedFields(SEALER),
          SchemaMigrations.DELIVERY_DETAILS - 1);
      try (Connection connection = old.getConnection()) {
        insertRow(connection, "Webhook", "hook", "webhook-0a1b2c3d4e5f", 1, hookJson);
        try (Statement statement = connection.createStatement()) {
          statement.executeUpdate("UPDATE resource_version_counter SET value = 1");
          statement.executeUpdate(
              "INSERT INTO webhook_deliveries (id, namespace, name, event, delivery_id,"
                  + " received_at, status, reason, run_id, seq) VALUES ('dlv-0a1b2c3d4e5f',"
                  + " 't1-ci', 'hook', 'push', 'guid-1', '2026-01-01T00:00:00Z', 'skipped',"
                  + " 'filtered', NULL, 1)");
        }
      }
    }

    ResourceStore store = open(database);

    assertThat(store.triggers().deliveries("t1-ci", "hook", 10))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.id()).isEqualTo("dlv-0a1b2c3d4e5f");
              assertThat(d.reason()).isEqualTo("filtered");
              assertThat(d.details().signatureChecked()).as("not known").isNull();
              assertThat(d.details().payloadBytes()).isZero();
            });
    assertThat(store.triggers().payload("t1-ci", "hook", "dlv-0a1b2c3d4e5f")).isEmpty();
  }

  @Test
  void aSignatureIsFirstSeenOnceAcrossEveryStoreOnTheDatabase() throws Exception {
    TestDatabase database = database();
    ReplayLedger one = open(database).accounts().replayLedger();
    ReplayLedger other = open(database).accounts().replayLedger();
    Instant later = NOW.plusSeconds(300);
    assertThat(one.firstSighting("key_a:abc", later)).isTrue();
    assertThat(one.firstSighting("key_a:abc", later)).isFalse();
    assertThat(other.firstSighting("key_a:abc", later)).isFalse();
    assertThat(other.firstSighting("key_a:abd", later)).isTrue();

    // Many at once, on both stores: exactly one is first.
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      List<Future<Boolean>> sightings = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ReplayLedger ledger = i % 2 == 0 ? one : other;
        sightings.add(threads.submit(() -> ledger.firstSighting("key_a:same", later)));
      }
      int first = 0;
      for (Future<Boolean> sighting : sightings) {
        first += sighting.get() ? 1 : 0;
      }
      assertThat(first).isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aReadsSightingIsRefusedEverywhereOnceWritten() {
    TestDatabase database = database();
    ResourceStore first = open(database);
    ReplayLedger one = first.accounts().replayLedger();
    ReplayLedger other = open(database).accounts().replayLedger();
    Instant later = NOW.plusSeconds(300);
    assertThat(one.firstSightingOfRead("key_a:read", later)).isTrue();
    one.flush();
    assertThat(other.firstSightingOfRead("key_a:read", later)).isFalse();
    assertThat(other.firstSighting("key_a:read", later)).isFalse();

    // A read's sighting of what a write recorded is not first either.
    assertThat(one.firstSighting("key_a:write", later)).isTrue();
    assertThat(other.firstSightingOfRead("key_a:write", later)).isFalse();

    // Closing the store writes what is still gathered.
    for (int i = 0; i < 300; i++) {
      assertThat(one.firstSightingOfRead("key_a:many-" + i, later)).isTrue();
    }
    first.close();
    for (int i = 0; i < 300; i += 37) {
      assertThat(other.firstSighting("key_a:many-" + i, later)).as("entry %d", i).isFalse();
    }
    assertThatThrownBy(() -> one.firstSightingOfRead("key_a:after-close", later))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void expiredSightingsAreForgotten() {
    TestDatabase database = database();
    ReplayLedger one = open(database).accounts().replayLedger();
    assertThat(one.firstSighting("key_a:old", NOW.minusSeconds(1))).isTrue();
    // Another store sweeps expired entries before its first insert.
    ReplayLedger other = open(database).accounts().replayLedger();
    assertThat(other.firstSighting("key_a:old", NOW.plusSeconds(300))).isTrue();
  }

  // ---------------------------------------------------------------- today's schema, by hand

  private HikariDataSource dataSource(TestDatabase database) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl(database));
    config.setMaximumPoolSize(1);
    return new HikariDataSource(config);
  }

  /** The JSON today's store writes for a new object: its metadata filled, the secret as given. */
  private static String todaysBody(dev.gryt.crds.GrytResource<?, ?> resource, String id, long rv) {
    resource.getMetadata().setUid(java.util.UUID.randomUUID().toString());
    resource.getMetadata().setResourceVersion(Long.toString(rv));
    resource.getMetadata().setGeneration(1L);
    resource.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    resource.getMetadata().setLabels(Map.of(dev.gryt.crds.GrytResource.ID_LABEL, id));
    return new String(ResourceCodec.toJsonBytes(resource), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void insertRow(
      Connection connection, String kind, String name, String id, long rv, String body)
      throws Exception {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO resources (kind, namespace, name, id, uid, resource_version, generation,"
                + " body) VALUES (?, 't1-ci', ?, ?, ?, ?, 1, ?)")) {
      statement.setString(1, kind);
      statement.setString(2, name);
      statement.setString(3, id);
      statement.setString(4, java.util.UUID.randomUUID().toString());
      statement.setLong(5, rv);
      statement.setString(6, body);
      statement.executeUpdate();
    }
  }

  private static void insertEvent(
      Connection connection, long rv, String kind, String name, String body) throws Exception {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO events (resource_version, kind, namespace, name, type, body)"
                + " VALUES (?, ?, 't1-ci', ?, 'ADDED', ?)")) {
      statement.setLong(1, rv);
      statement.setString(2, kind);
      statement.setString(3, name);
      statement.setString(4, body);
      statement.executeUpdate();
    }
  }
}
