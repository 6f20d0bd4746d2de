package dev.gryt.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gryt.store.k8s.KubernetesResourceStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opens a store from a URL a person types: {@code sqlite:PATH}, {@code
 * postgresql://USER@HOST:PORT/DB}, a {@code jdbc:sqlite:}/{@code jdbc:postgresql:} URL, or {@code
 * kubernetes:[NAMESPACE[,NAMESPACE...]]?sql=SQL_URL} for resources kept as custom resources in a
 * Kubernetes cluster and the rest (accounts, keys, deliveries, logs, generations) in the SQL store
 * at {@code SQL_URL} (see {@link KubernetesResourceStore}).
 *
 * <p>Every form takes the query parameter {@code eventRetention=N}: how many of the newest events
 * the log keeps (default {@value SqlResourceStore#DEFAULT_EVENT_RETENTION}). Other parameters go to
 * the JDBC driver.
 *
 * <p>In the {@code kubernetes:} form, {@code sql=} comes last and everything after it is the SQL
 * store's URL, parameters and all ({@code
 * kubernetes:gryt?eventRetention=10000&sql=postgresql://gryt@db/gryt?sslmode=require}). Without a
 * namespace the store serves every namespace; with some, those only. The cluster is found as
 * kubectl finds it: the pod's service account inside a cluster, else {@code $KUBECONFIG} or {@code
 * ~/.kube/config}.
 */
public final class StoreFactory {
  static final String ACCEPTED_FORMS =
      "expected sqlite:PATH, jdbc:sqlite:PATH, postgresql://USER[:PASS]@HOST[:PORT]/DB[?params],"
          + " postgres://..., jdbc:postgresql://HOST[:PORT]/DB[?params]"
          + " or kubernetes:[NAMESPACE[,NAMESPACE...]]?sql=SQL_URL";

  private static final String KUBERNETES = "kubernetes:";

  private static final String EVENT_RETENTION = "eventRetention";

  /**
   * Pooled connections to PostgreSQL. The API's request threads, the control loop's workers, its
   * status writer and the watch all draw on the pool (the leader lock and LISTEN hold connections
   * of their own); with 4, fifty concurrent API clients spent most of their time queued for a
   * connection (JFR: threads parked in HikariPool.getConnection), not in the database.
   */
  static final int POSTGRES_POOL_SIZE = 16;

  /** Pooled SQLite connections: reads run side by side under WAL; writes take turns anyway. */
  static final int SQLITE_POOL_SIZE = 8;

  private StoreFactory() {}

  /**
   * Opens (creating and migrating as needed) the store at {@code url}, for tests and tools: secrets
   * are sealed under a publicly known key ({@link SecretSealer#unkeyedForTests}). A server opens
   * its store with {@link #open(String, Clock, SecretSealer)} and its master key.
   *
   * @throws IllegalArgumentException with a one-line cause when the URL is not understood
   * @throws StoreException with a one-line cause when the database cannot be reached or opened
   */
  public static ResourceStore open(String url) {
    return open(url, Clock.systemUTC());
  }

  /** Like {@link #open(String)}, with the clock that stamps {@code creationTimestamp}. */
  public static ResourceStore open(String url, Clock clock) {
    return open(url, clock, SecretSealer.unkeyedForTests());
  }

  /**
   * Opens (creating and migrating as needed) the store at {@code url}; webhook secrets, repository
   * tokens and webhook trigger keys are sealed (and looked up) under {@code sealer}'s master key.
   * Every server sharing one database needs the same key.
   *
   * @throws IllegalArgumentException with a one-line cause when the URL is not understood
   * @throws StoreException with a one-line cause when the database cannot be reached or opened
   */
  public static ResourceStore open(String url, Clock clock, SecretSealer sealer) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no store URL given: " + ACCEPTED_FORMS);
    }
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:sqlite:")) {
      return openSqlite(trimmed.substring("jdbc:sqlite:".length()), clock, sealer);
    } else if (trimmed.startsWith("sqlite:")) {
      return openSqlite(trimmed.substring("sqlite:".length()), clock, sealer);
    } else if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
      return openPostgres(trimmed, clock, sealer);
    } else if (trimmed.startsWith("jdbc:postgresql:")) {
      return openPostgresJdbc(trimmed, clock, sealer);
    } else if (trimmed.startsWith(KUBERNETES)) {
      return openKubernetes(trimmed, clock, sealer);
    }
    throw new IllegalArgumentException(
        "unsupported store URL '" + redacted(trimmed) + "': " + ACCEPTED_FORMS);
  }

  private static ResourceStore openKubernetes(String url, Clock clock, SecretSealer sealer) {
    KubernetesUrl parsed = KubernetesUrl.parse(url);
    ResourceStore sql = open(parsed.sqlUrl(), clock, sealer);
    if (!(sql instanceof SqlResourceStore sqlStore)) {
      sql.close();
      throw new IllegalArgumentException(
          "the sql= of a kubernetes: store URL must be a SQLite or PostgreSQL URL, not '"
              + redacted(parsed.sqlUrl())
              + "'");
    }
    KubernetesClient client;
    try {
      client = new KubernetesClientBuilder().build();
    } catch (RuntimeException e) {
      sqlStore.close();
      throw new StoreException("cannot configure the Kubernetes client: " + rootMessage(e));
    }
    return KubernetesResourceStore.open(
        client, parsed.namespaces(), sqlStore, parsed.eventRetention(), true);
  }

  /** The parts of {@code kubernetes:[NAMESPACE[,...]]?[eventRetention=N&]sql=SQL_URL}. */
  record KubernetesUrl(List<String> namespaces, long eventRetention, String sqlUrl) {
    static KubernetesUrl parse(String url) {
      String rest = url.substring(KUBERNETES.length());
      int question = rest.indexOf('?');
      String namespace =
          (question < 0 ? rest : rest.substring(0, question)).replaceFirst("^//", "");
      String query = question < 0 ? "" : rest.substring(question + 1);
      int sql = query.startsWith("sql=") ? 0 : query.indexOf("&sql=") + 1;
      if (sql <= 0 && !query.startsWith("sql=")) {
        throw new IllegalArgumentException(
            "store URL '"
                + redacted(url)
                + "' needs sql=SQL_URL (last) for accounts, keys and logs: "
                + ACCEPTED_FORMS);
      }
      String sqlUrl = query.substring(sql + "sql=".length());
      Map<String, String> parameters =
          sql == 0 ? new LinkedHashMap<>() : parseQuery(query.substring(0, sql - 1));
      long eventRetention = StoreFactory.eventRetention(parameters);
      if (!parameters.isEmpty()) {
        throw new IllegalArgumentException(
            "unknown parameter(s) "
                + parameters.keySet()
                + " in store URL '"
                + redacted(url)
                + "': a kubernetes: URL takes eventRetention=N and sql=SQL_URL");
      }
      if (sqlUrl.isBlank() || sqlUrl.startsWith(KUBERNETES)) {
        throw new IllegalArgumentException(
            "store URL '"
                + redacted(url)
                + "' needs a SQLite or PostgreSQL URL after sql=: "
                + ACCEPTED_FORMS);
      }
      List<String> namespaces = namespace.isEmpty() ? List.of() : List.of(namespace.split(",", -1));
      for (String ns : namespaces) {
        if (!ns.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
          throw new IllegalArgumentException(
              "'" + ns + "' in store URL '" + redacted(url) + "' is not a namespace name");
        }
      }
      return new KubernetesUrl(namespaces, eventRetention, sqlUrl);
    }
  }

  private static ResourceStore openSqlite(String pathAndQuery, Clock clock, SecretSealer sealer) {
    int question = pathAndQuery.indexOf('?');
    String location = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    Map<String, String> parameters =
        question < 0 ? new LinkedHashMap<>() : parseQuery(pathAndQuery.substring(question + 1));
    long eventRetention = eventRetention(parameters);
    if (location.startsWith("file:")) {
      location = location.substring("file:".length());
    }
    if (location.isBlank() || location.contains(":memory:") || location.startsWith("mode=")) {
      // Each pooled connection would see a different empty in-memory database.
      throw new IllegalArgumentException(
          "a SQLite store needs a file path, not '" + location + "': " + ACCEPTED_FORMS);
    }
    Path file = Path.of(location).toAbsolutePath().normalize();
    try {
      if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
        Files.createDirectories(file.getParent(), PRIVATE_DIRECTORY);
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the directory for SQLite store " + file + ": " + e);
    }
    makePrivate(file);

    HikariConfig config = new HikariConfig();
    config.setPoolName("gryt-sqlite");
    config.setJdbcUrl("jdbc:sqlite:" + file);
    config.setMaximumPoolSize(SQLITE_POOL_SIZE);
    config.addDataSourceProperty("journal_mode", "WAL");
    // WAL with synchronous=NORMAL never corrupts; a power cut may lose the last commits only.
    config.addDataSourceProperty("synchronous", "NORMAL");
    config.addDataSourceProperty("busy_timeout", "10000");
    // A write transaction takes the write lock at BEGIN, so it never fails half-way to upgrade.
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    parameters.forEach(config::addDataSourceProperty);
    return open(
        config, new SqliteDialect(file), clock, eventRetention, "SQLite store " + file, sealer);
  }

  private static ResourceStore openPostgres(String url, Clock clock, SecretSealer sealer) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed store URL '" + redacted(url) + "': " + ACCEPTED_FORMS);
    }
    String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (uri.getHost() == null || database.isEmpty()) {
      throw new IllegalArgumentException(
          "store URL '" + redacted(url) + "' needs a host and a database: " + ACCEPTED_FORMS);
    }
    Map<String, String> parameters =
        uri.getRawQuery() == null ? new LinkedHashMap<>() : parseQuery(uri.getRawQuery());
    long eventRetention = eventRetention(parameters);
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();

    HikariConfig config = postgresConfig(parameters);
    config.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database);
    if (uri.getRawUserInfo() != null) {
      String[] userAndPassword = uri.getRawUserInfo().split(":", 2);
      config.setUsername(decode(userAndPassword[0]));
      if (userAndPassword.length == 2) {
        config.setPassword(decode(userAndPassword[1]));
      }
    }
    return open(
        config,
        new PostgresDialect(),
        clock,
        eventRetention,
        "PostgreSQL store " + uri.getHost() + ":" + port + "/" + database,
        sealer);
  }

  private static ResourceStore openPostgresJdbc(String url, Clock clock, SecretSealer sealer) {
    int question = url.indexOf('?');
    String base = question < 0 ? url : url.substring(0, question);
    Map<String, String> parameters =
        question < 0 ? new LinkedHashMap<>() : parseQuery(url.substring(question + 1));
    long eventRetention = eventRetention(parameters);
    HikariConfig config = postgresConfig(parameters);
    config.setJdbcUrl(base);
    return open(
        config,
        new PostgresDialect(),
        clock,
        eventRetention,
        "PostgreSQL store " + base.substring("jdbc:postgresql:".length()),
        sealer);
  }

  private static HikariConfig postgresConfig(Map<String, String> parameters) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("gryt-postgres");
    config.setMaximumPoolSize(POSTGRES_POOL_SIZE);
    // One INSERT per batch instead of one per row: what keeps a 1,000-resource commit fast.
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("connectTimeout", "5");
    config.addDataSourceProperty("ApplicationName", "gryt");
    parameters.forEach(config::addDataSourceProperty);
    return config;
  }

  private static ResourceStore open(
      HikariConfig config,
      SqlDialect dialect,
      Clock clock,
      long eventRetention,
      String what,
      SecretSealer sealer) {
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open " + what + ": " + rootMessage(e));
    }
    return new SqlResourceStore(dataSource, dialect, clock, eventRetention, sealer);
  }

  private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /**
   * Creates the SQLite file readable by its owner only (0600), or takes group and other access away
   * from an existing one and its WAL files: it holds password hashes and sealed secrets. SQLite
   * gives the WAL and shared-memory files the database file's mode.
   */
  private static void makePrivate(Path file) {
    Set<PosixFilePermission> owner =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try {
      if (!Files.exists(file)) {
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
        } catch (FileAlreadyExistsException e) {
          // Another process made it first: tightened below like any existing file.
        }
      }
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path one = suffix.isEmpty() ? file : file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(one) && !owner.containsAll(Files.getPosixFilePermissions(one))) {
          Files.setPosixFilePermissions(one, owner);
        }
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to tighten.
    } catch (IOException e) {
      throw new StoreException("cannot make SQLite store " + file + " private: " + e);
    }
  }

  private static long eventRetention(Map<String, String> parameters) {
    String value = parameters.remove(EVENT_RETENTION);
    if (value == null) {
      return SqlResourceStore.DEFAULT_EVENT_RETENTION;
    }
    try {
      long retention = Long.parseLong(value);
      if (retention >= 1) {
        return retention;
      }
    } catch (NumberFormatException ignored) {
      // Reported below with the accepted values.
    }
    throw new IllegalArgumentException(
        EVENT_RETENTION + " must be a whole number of at least 1, not '" + value + "'");
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      parameters.put(key, value);
    }
    return parameters;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** The URL without a password, for messages. */
  static String redacted(String url) {
    return url.replaceAll("(//[^:/@]+):[^@/]*@", "$1:***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
