package dev.gryt.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.agent.run.ReportClient;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.agent.runner.RunnerKind;
import dev.gryt.agent.runner.Runners;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.server.AgentServer;
import dev.gryt.agent.server.AgentToken;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.cli.cloud.ApplyOutput;
import dev.gryt.cli.cloud.ApplyResult;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.cli.cloud.GrytApiClient;
import dev.gryt.cli.cloud.ManifestInput;
import dev.gryt.operator.Placement;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.StandaloneOperator;
import dev.gryt.operator.agents.AgentClient;
import dev.gryt.operator.agents.AgentRegistry;
import dev.gryt.operator.agents.AgentTls;
import dev.gryt.operator.agents.JobRunDispatcher;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.operator.loop.LeaderElectedLoop;
import dev.gryt.server.ApiServer;
import dev.gryt.server.auth.Accounts;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.SecretSealer;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
  private static final String KUBERNETES_SQLITE = "sql=sqlite:";
  private static final String SQLITE = "sqlite:";
  private static final String EXAMPLE_JOB = "hello-ci";

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
          "Store: sqlite:PATH, postgresql://USER@HOST:PORT/DB, a jdbc: URL, or"
              + " kubernetes:[NAMESPACE,...]?sql=SQL_URL for resources as custom resources in the"
              + " cluster of the pod or kubeconfig and the rest in SQL_URL (default:"
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

  @Option(
      names = "--agent",
      paramLabel = "URL",
      description =
          "An agent to place runs on (repeatable): https://HOST:PORT over mutual TLS with"
              + " --agent-cert/--agent-key/--agent-ca, or http:// for an --insecure agent.")
  List<URI> agentUrls = new ArrayList<>();

  @Option(
      names = "--agents",
      defaultValue = "1",
      description =
          "Agents to run inside this server, on loopback (default: ${DEFAULT-VALUE}; 0 runs none).")
  int localAgents;

  @Option(
      names = "--runner",
      paramLabel = "KIND",
      description =
          "How the in-process agents run steps: container (podman/docker), sandbox (bubblewrap)"
              + " or process (default: container where it works, else sandbox).")
  String runner;

  @Option(
      names = "--agent-capacity",
      defaultValue = "2",
      description = "Runs each in-process agent runs at once (default: ${DEFAULT-VALUE}).")
  int agentCapacity;

  @Option(
      names = "--agent-cert",
      paramLabel = "PEM",
      description = "The server's client certificate for https agents.")
  Path agentCert;

  @Option(
      names = "--agent-key",
      paramLabel = "PEM",
      description = "The key of --agent-cert (PKCS#8 PEM).")
  Path agentKey;

  @Option(
      names = "--agent-ca",
      paramLabel = "PEM",
      description = "The CA that signed the agents' certificates.")
  Path agentCa;

  @Option(
      names = "--advertise-url",
      paramLabel = "URL",
      description =
          "The URL agents reach this server at, for their reports (default: the listening"
              + " address).")
  URI advertiseUrl;

  @Option(
      names = "--lease-seconds",
      defaultValue = "15",
      description =
          "A run whose agent does not report for this long is placed again (default:"
              + " ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(
      names = "--max-attempts",
      defaultValue = "3",
      description =
          "Placements a run gets before a lost agent fails it (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Mixin TenantOptions tenants = new TenantOptions();

  @Option(
      names = "--repo-token-env",
      paramLabel = "NAME",
      description =
          "An environment variable of this server that GitHubRepos in the admin's own namespaces"
              + " may name as token_env (repeatable; default: none). Tenants never read the"
              + " server's environment.")
  List<String> repoTokenEnv = new ArrayList<>();

  ServerCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    SSLContext tls = agentTls();
    tenants.accountSettings(host);
    tenants.quotas();
    byte[] masterKey = masterKey();
    ResourceStore store = openStore(masterKey);
    ServerSecurity security = security(store, masterKey);
    ApiServer server = startServer(store, security);
    URI url = URI.create("http://" + urlHost() + ":" + server.port());
    // Written before anything slow (a local agent probes its runner): once /healthz answers,
    // local commands find the key.
    Credentials admin = adminCredentials(security, url);
    // One secret for this process's agents: only its own dispatcher may call them.
    AgentToken localToken = AgentToken.random();
    List<AgentServer> local = noController ? List.of() : startLocalAgents(localToken);
    List<URI> agents = new ArrayList<>(agentUrls);
    Map<String, String> tokens = new java.util.HashMap<>();
    for (AgentServer a : local) {
      URI agent = URI.create("http://127.0.0.1:" + a.port());
      agents.add(agent);
      tokens.put(AgentRegistry.nameOf(agent), localToken.value());
    }
    LeaderElectedLoop controller =
        noController
            ? null
            : startController(
                store, advertiseUrl == null ? url : advertiseUrl, tls, agents, tokens);
    if (controller != null) {
      server.healthDetails(() -> controllerCounters(controller));
      server.liveness(controller::deadThreads);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> stop(server, controller, local, store, stopped), "gryt-server-shutdown"));
    out.println("gryt server listening on " + url + " (store: " + db + "; Ctrl-C stops it)");
    out.println(
        "admin API key "
            + admin.keyId()
            + " is in "
            + admin.source()
            + "; gryt commands on this machine use it");
    out.flush();
    spec.commandLine().getErr().println(tenants.signupLine(host));
    spec.commandLine().getErr().flush();
    if (applyPath != null) {
      List<ApplyResult> applied = applyManifests(url, admin, out);
      printNextSteps(url, out, jobToRun(applied), !agents.isEmpty());
    }
    stopped.await();
    return 0;
  }

  /**
   * The control loop, run only while this process leads among the servers sharing the store, so two
   * servers on one database never reconcile the same resource at once.
   */
  /**
   * The in-process agents: plain HTTP on loopback, each request bearing {@code token} (only this
   * server talks to them: any other local process gets 401), with the runner asked for, else the
   * best one that works here. Without an explicit {@code --runner}, a machine where none works gets
   * a server without local agents and a warning, not a failure.
   */
  private List<AgentServer> startLocalAgents(AgentToken token) {
    if (localAgents <= 0) {
      return List.of();
    }
    StepRunner stepRunner;
    try {
      RunnerKind kind = runner == null ? RunnerKind.AUTO : RunnerKind.parse(runner);
      stepRunner = Runners.detect(kind, null);
    } catch (IllegalArgumentException e) {
      throw new CliException("invalid --runner: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      if (runner != null) {
        throw new CliException(e.getMessage(), e);
      }
      spec.commandLine()
          .getErr()
          .println("warning: no local agent: " + e.getMessage() + " (--agents 0 hides this)");
      return List.of();
    }
    List<AgentServer> started = new ArrayList<>();
    for (int i = 0; i < localAgents; i++) {
      Path work = environment.workingDirectory().resolve(".gryt/agent-" + i);
      try {
        Files.createDirectories(work);
        RunExecutor executor =
            new RunExecutor(
                stepRunner,
                ReportClient.plain(),
                work,
                agentCapacity,
                Clock.systemUTC(),
                RunExecutor.Options.defaults());
        started.add(AgentServer.start("127.0.0.1", 0, null, token, executor, "local"));
      } catch (IOException | RuntimeException e) {
        started.forEach(AgentServer::close);
        throw new CliException("cannot start a local agent: " + RootCause.oneLine(e), e);
      }
    }
    // On stderr, with the other notes: stdout starts with the banner, which scripts read.
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "local agent"
            + (localAgents > 1 ? "s" : "")
            + ": "
            + localAgents
            + " x "
            + agentCapacity
            + " runs, runner "
            + Runners.describe(stepRunner));
    err.flush();
    return started;
  }

  private LeaderElectedLoop startController(
      ResourceStore store,
      URI reportBase,
      SSLContext tls,
      List<URI> agentUrls,
      Map<String, String> agentTokens) {
    Placement.Settings placement =
        new Placement.Settings(Duration.ofSeconds(leaseSeconds), maxAttempts);
    return new LeaderElectedLoop(
            store.leaderLock("controller"),
            () -> {
              RepoTokens tokens = RepoTokens.standalone(Set.copyOf(repoTokenEnv));
              ControlLoop loop = StandaloneOperator.create(store, Clock.systemUTC(), tokens);
              if (!agentUrls.isEmpty()) {
                AgentRegistry agents =
                    new AgentRegistry(
                        agentUrls,
                        new AgentClient(tls, Duration.ofSeconds(5), agentTokens),
                        Duration.ofSeconds(2));
                loop.with(
                    new JobRunDispatcher(
                        store,
                        Clock.systemUTC(),
                        agents,
                        tokens,
                        placement,
                        reportBase.toString()));
              }
              return loop;
            },
            Duration.ofSeconds(1))
        .start();
  }

  /**
   * The in-process control loop's counters for {@code /healthz} (benchmarks compute reconciles per
   * second from them); none while another server leads.
   */
  private static Map<String, ?> controllerCounters(LeaderElectedLoop controller) {
    ControlLoop loop = controller.current();
    if (loop == null) {
      return Map.of();
    }
    return Map.of("reconciles", loop.reconciles(), "status_writes", loop.statusWrites());
  }

  /** The client certificate for https agents, or null when none is configured. */
  private SSLContext agentTls() {
    if (agentCert == null && agentKey == null && agentCa == null) {
      if (agentUrls.stream().anyMatch(u -> "https".equals(u.getScheme()))) {
        throw new CliException(
            "https agents need --agent-cert, --agent-key and --agent-ca (make them with: gryt"
                + " certs init)");
      }
      return null;
    }
    if (agentCert == null || agentKey == null || agentCa == null) {
      throw new CliException("--agent-cert, --agent-key and --agent-ca go together");
    }
    try {
      return AgentTls.context(
          environment.workingDirectory().resolve(agentCert),
          environment.workingDirectory().resolve(agentKey),
          environment.workingDirectory().resolve(agentCa));
    } catch (IOException | GeneralSecurityException e) {
      throw new CliException("cannot load the agent TLS files: " + RootCause.oneLine(e), e);
    }
  }

  /**
   * The job the next steps suggest running: the offline example's ({@code examples/hello.yaml})
   * when it was applied, else the first job applied; null when none was.
   */
  static String jobToRun(List<ApplyResult> applied) {
    List<String> jobs =
        applied.stream().filter(r -> "Job".equals(r.kind())).map(ApplyResult::name).toList();
    return jobs.contains(EXAMPLE_JOB) ? EXAMPLE_JOB : jobs.stream().findFirst().orElse(null);
  }

  private static void printNextSteps(URI url, PrintWriter out, String job, boolean agents) {
    String server = "http://127.0.0.1:8080".equals(url.toString()) ? "" : " --server " + url;
    List<String[]> steps = new ArrayList<>();
    if (job != null && agents) {
      steps.add(new String[] {"bin/gryt cloud jobs run " + job + server, "prints the run's id"});
      steps.add(
          new String[] {"bin/gryt cloud runs logs RUN_ID -f" + server, "its steps' output, live"});
    }
    steps.add(new String[] {"bin/gryt cloud get jobs" + server, "READY once reconciled"});
    steps.add(new String[] {"bin/gryt cloud diff -f examples/" + server, "what a change would do"});
    steps.add(new String[] {"bin/gryt cloud apply -f FILE" + server, "your own manifests"});
    int width = steps.stream().mapToInt(s -> s[0].length()).max().orElse(0);
    out.println();
    out.println("Next, in another terminal:");
    for (String[] step : steps) {
      out.println("  " + step[0] + " ".repeat(width - step[0].length()) + "  # " + step[1]);
    }
    out.flush();
  }

  private ResourceStore openStore(byte[] masterKey) {
    String url = db.strip();
    if (url.startsWith(SQLITE)) {
      url = SQLITE + sqliteFile(url.substring(SQLITE.length()));
    }
    int sql = url.indexOf(KUBERNETES_SQLITE);
    if (url.startsWith("kubernetes:") && sql > 0) {
      // The SQLite file beside a Kubernetes store is relative to the working directory too.
      int path = sql + KUBERNETES_SQLITE.length();
      url = url.substring(0, path) + sqliteFile(url.substring(path));
    }
    try {
      return StoreFactory.open(url, Clock.systemUTC(), new SecretSealer(masterKey));
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

  /** The master key: it seals secrets in the store, which therefore opens after it. */
  private byte[] masterKey() {
    Path keyFile = masterKeyFile != null ? masterKeyFile : MasterKey.defaultFile(environment);
    return MasterKey.load(environment, keyFile);
  }

  private ServerSecurity security(ResourceStore store, byte[] key) {
    try {
      return ServerSecurity.accounts(store, key, Clock.systemUTC(), tenants.accountSettings(host));
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
      return ApiServer.start(
          store,
          host,
          port,
          security,
          new ApiServer.RunSettings(
              Clock.systemUTC(),
              ApiServer.RunSettings.DEFAULT.maxLogCharsPerStep(),
              tenants.quotas()));
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

  private List<ApplyResult> applyManifests(URI url, Credentials admin, PrintWriter out) {
    String yaml = ManifestInput.read(List.of(applyPath), true, environment).validatedYaml();
    JsonNode data = new GrytApiClient(url, admin.decorator()).apply(yaml, false, null);
    List<ApplyResult> results = ApplyResult.listFrom(data);
    ApplyOutput.printResults(out, results, false);
    out.flush();
    return results;
  }

  /** Runs on Ctrl-C or SIGTERM: no new requests first, then the store they were writing to. */
  private void stop(
      ApiServer server,
      LeaderElectedLoop controller,
      List<AgentServer> local,
      ResourceStore store,
      CountDownLatch stopped) {
    try {
      server.close();
      if (controller != null) {
        controller.close();
      }
      local.forEach(AgentServer::close);
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
