package dev.gryt.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.cli.cloud.ApplyOutput;
import dev.gryt.cli.cloud.ApplyResult;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.cli.cloud.GrytApiClient;
import dev.gryt.cli.cloud.ManifestInput;
import dev.gryt.operator.StandaloneOperator;
import dev.gryt.operator.loop.LeaderElectedLoop;
import dev.gryt.server.ApiServer;
import dev.gryt.server.Principal;
import dev.gryt.server.auth.Accounts;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gryt server}: the API server in the foreground until Ctrl-C, on SQLite by default. Ctrl-C
 * (or SIGTERM) stops the server, then closes the store.
 */
@Command(name = "server", description = "Run the gryt API server in the foreground.")
public final class ServerCommand implements Callable<Integer> {
  static final String DEFAULT_DB = "sqlite:.gryt/server.db";
  private static final String SQLITE = "sqlite:";

  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(
      names = "--db",
      paramLabel = "URL",
      defaultValue = DEFAULT_DB,
      description =
          "Store: sqlite:PATH, postgresql://USER@HOST:PORT/DB or a jdbc: URL (default:"
              + " ${DEFAULT-VALUE}, relative to the current directory).")
  String db;

  @Option(
      names = "--apply",
      paramLabel = "DIR",
      description = "Once started, apply the manifests in DIR (or a file) through the API.")
  String applyPath;

  @Option(
      names = "--master-key-file",
      paramLabel = "FILE",
      description =
          "The key that seals API key secrets in the store (default: $GRYT_MASTER_KEY, else"
              + " $GRYT_HOME/server/master.key, made on first start). Servers sharing a database"
              + " need the same key.")
  Path masterKeyFile;

  @Option(
      names = "--no-controller",
      description = "Serve the API only; do not run the control loop that reconciles resources.")
  boolean noController;

  ServerCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ResourceStore store = openStore();
    ServerSecurity security = security(store);
    ApiServer server = startServer(store, security);
    LeaderElectedLoop controller = noController ? null : startController(store);
    URI url = URI.create("http://" + urlHost() + ":" + server.port());
    Credentials admin = adminCredentials(security, url);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> stop(server, controller, store, stopped), "gryt-server-shutdown"));
    out.println("gryt server listening on " + url + " (store: " + db + "; Ctrl-C stops it)");
    out.println(
        "admin API key "
            + admin.keyId()
            + " is in "
            + admin.source()
            + "; gryt commands on this machine use it");
    out.flush();
    if (applyPath != null) {
      applyManifests(url, admin, out);
      printNextSteps(url, out);
    }
    stopped.await();
    return 0;
  }

  /**
   * The control loop, run only while this process leads among the servers sharing the store, so two
   * servers on one database never reconcile the same resource at once.
   */
  private static LeaderElectedLoop startController(ResourceStore store) {
    return new LeaderElectedLoop(
            store.leaderLock("controller"),
            () -> StandaloneOperator.create(store, Clock.systemUTC()),
            Duration.ofSeconds(1))
        .start();
  }

  private static void printNextSteps(URI url, PrintWriter out) {
    String server = "http://127.0.0.1:8080".equals(url.toString()) ? "" : " --server " + url;
    out.println();
    out.println("Next, in another terminal:");
    out.println("  bin/gryt cloud get jobs" + server + "          # READY once reconciled");
    out.println("  bin/gryt cloud diff -f examples/" + server + "  # what a change would do");
    out.println("  bin/gryt cloud apply -f FILE" + server + "     # your own manifests");
    out.println("  bin/gryt cloud jobs run my-app-ci" + server + "   # start a run");
    out.flush();
  }

  private ResourceStore openStore() {
    String url = db.strip();
    if (url.startsWith(SQLITE)) {
      url = SQLITE + sqliteFile(url.substring(SQLITE.length()));
    }
    try {
      return StoreFactory.open(url);
    } catch (IllegalArgumentException e) {
      // The factory's message already lists the URL forms it takes.
      throw new CliException("invalid --db: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CliException("cannot open store " + db + ": " + RootCause.oneLine(e), e);
    }
  }

  /** The SQLite file, relative to the working directory, with its directory created. */
  private Path sqliteFile(String path) {
    if (path.isBlank()) {
      throw new CliException(
          "invalid --db '" + db + "': no file after sqlite: (e.g. sqlite:gryt.db)");
    }
    Path file = environment.workingDirectory().resolve(path).toAbsolutePath().normalize();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      String reason =
          e instanceof FileSystemException fs && fs.getReason() != null
              ? fs.getReason()
              : e.getClass().getSimpleName();
      throw new CliException(
          "cannot create " + file.getParent() + " for the SQLite store: " + reason, e);
    }
    return file;
  }

  private ServerSecurity security(ResourceStore store) {
    Path keyFile = masterKeyFile != null ? masterKeyFile : MasterKey.defaultFile(environment);
    byte[] key = MasterKey.load(environment, keyFile);
    try {
      return ServerSecurity.accounts(store, key, Clock.systemUTC());
    } catch (RuntimeException e) {
      store.close();
      throw new CliException("cannot set up accounts: " + RootCause.oneLine(e), e);
    }
  }

  /**
   * The admin's API key for this machine, as k3s writes a kubeconfig: kept in {@code
   * $GRYT_HOME/servers/HOST-PORT.json} (0600) while it works, made anew when it is missing or no
   * longer works (another master key, a revoked key).
   */
  private Credentials adminCredentials(ServerSecurity security, URI url) {
    Path file = Credentials.localServerFile(environment.grytHome(), url.getHost(), url.getPort());
    try {
      if (Files.isRegularFile(file)) {
        JsonNode stored = dev.gryt.crds.ResourceCodec.json().readTree(file.toFile());
        String keyId = stored.path("api_key_id").asText("");
        String secret = stored.path("api_key_secret").asText("");
        if (security.accounts().keyWorks(Principal.ADMIN_ID, keyId, secret)) {
          return new Credentials(keyId, secret, "admin", file.toString());
        }
      }
      Accounts.IssuedKey issued =
          security.accounts().createKey(Principal.ADMIN_ID, "gryt server on this machine", null);
      var content = dev.gryt.crds.ResourceCodec.json().createObjectNode();
      content.put("server_url", url.toString());
      content.put("username", "admin");
      content.put("api_key_id", issued.key().keyId());
      content.put("api_key_secret", issued.secret());
      Credentials.writePrivate(file, content);
      return new Credentials(issued.key().keyId(), issued.secret(), "admin", file.toString());
    } catch (IOException e) {
      throw new CliException(
          "cannot write the admin credentials " + file + ": " + e.getMessage(), e);
    }
  }

  private ApiServer startServer(ResourceStore store, ServerSecurity security) {
    try {
      return ApiServer.start(store, host, port, security);
    } catch (RuntimeException e) {
      store.close();
      throw new CliException(
          "cannot listen on "
              + host
              + ":"
              + port
              + ": "
              + RootCause.oneLine(e)
              + " (is another server running? pick a port with --port)",
          e);
    }
  }

  private void applyManifests(URI url, Credentials admin, PrintWriter out) {
    String yaml = ManifestInput.read(List.of(applyPath), true, environment).validatedYaml();
    JsonNode data = new GrytApiClient(url, admin.decorator()).apply(yaml, false, null);
    ApplyOutput.printResults(out, ApplyResult.listFrom(data), false);
    out.flush();
  }

  /** Runs on Ctrl-C or SIGTERM: no new requests first, then the store they were writing to. */
  private void stop(
      ApiServer server, LeaderElectedLoop controller, ResourceStore store, CountDownLatch stopped) {
    try {
      server.close();
      if (controller != null) {
        controller.close();
      }
    } finally {
      store.close();
      stopped.countDown();
      spec.commandLine().getErr().println("gryt server stopped");
      spec.commandLine().getErr().flush();
    }
  }

  /** The host to print in the URL: a wildcard bind is reachable on loopback. */
  private String urlHost() {
    if ("0.0.0.0".equals(host) || "::".equals(host) || host.isBlank()) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
