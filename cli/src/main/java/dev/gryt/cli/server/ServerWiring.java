package dev.gryt.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.agent.run.ReportClient;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.agent.runner.RunnerKind;
import dev.gryt.agent.runner.Runners;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.server.AgentServer;
import dev.gryt.agent.server.AgentToken;
import dev.gryt.cli.CliException;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.dashboard.Dashboard;
import dev.gryt.dashboard.DashboardSettings;
import dev.gryt.operator.Placement;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.agents.AgentClient;
import dev.gryt.operator.agents.AgentRegistry;
import dev.gryt.operator.agents.JobRunDispatcher;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.operator.loop.LeaderElectedLoop;
import dev.gryt.operator.loop.StandaloneOperator;
import dev.gryt.server.ApiServer;
import dev.gryt.server.Quotas;
import dev.gryt.server.auth.AccountSettings;
import dev.gryt.server.auth.Accounts;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.server.http.Principal;
import dev.gryt.server.http.ServerTls;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.SecretSealer;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The graph of a {@code gryt server} process, built in order and closed in reverse: the store, the
 * accounts, the API, the admin's key for this machine, the in-process agents and the control loop
 * (run only while this process leads). {@link ServerCommand} turns flags into {@link Settings} and
 * talks to the user; this class only builds and stops.
 */
final class ServerWiring implements AutoCloseable {
  private static final String KUBERNETES_SQLITE = "sql=sqlite:";
  private static final String SQLITE = "sqlite:";

  /**
   * What the flags of {@code gryt server} decided.
   *
   * @param clock the time of the store, the API and the control loop; the system's in a real
   *     process (leases, replay windows and requeue delays need a clock that moves)
   * @param workingDirectory where a relative SQLite file and the local agents' workspaces go
   * @param grytHome where the admin's key for this machine is written
   * @param agentTls the client certificate for https agents; null for none
   * @param advertiseUrl where agents report to; null for the listening address
   * @param localAgents agents to run in this process (none without a controller)
   * @param runner the in-process agents' runner kind; null picks the best that works here
   * @param maxStepLogBytes the most output a step keeps (sent to agents with each run; the store
   *     keeps no more)
   */
  record Settings(
      Clock clock,
      String host,
      int port,
      String db,
      Path workingDirectory,
      Path grytHome,
      byte[] masterKey,
      AccountSettings accounts,
      Quotas quotas,
      boolean controller,
      List<URI> agentUrls,
      int localAgents,
      String runner,
      int agentCapacity,
      SSLContext agentTls,
      URI advertiseUrl,
      Placement.Settings placement,
      Set<String> repoTokenEnv,
      long maxStepLogBytes,
      Path tlsCertificate,
      Path tlsKey) {
    /** Whether the API serves HTTPS. */
    boolean tls() {
      return tlsCertificate != null;
    }
  }

  private final ResourceStore store;
  private final ApiServer api;
  private final URI url;
  private final Credentials admin;
  private final Dashboard dashboard;
  private final List<AgentServer> localAgents;
  private final List<URI> agents;
  private final LeaderElectedLoop controller;
  private final SSLContext selfTrust;

  private ServerWiring(
      ResourceStore store,
      ApiServer api,
      URI url,
      Credentials admin,
      Dashboard dashboard,
      List<AgentServer> localAgents,
      List<URI> agents,
      LeaderElectedLoop controller,
      SSLContext selfTrust) {
    this.selfTrust = selfTrust;
    this.store = store;
    this.api = api;
    this.url = url;
    this.admin = admin;
    this.dashboard = dashboard;
    this.localAgents = localAgents;
    this.agents = agents;
    this.controller = controller;
  }

  /**
   * Starts everything {@code settings} asks for; on a failure, closes what had started and throws a
   * {@link CliException} naming the cause. Notes for the user (the local agents, a missing runner)
   * go to {@code err}.
   */
  static ServerWiring start(Settings settings, PrintWriter err) {
    ResourceStore store = openStore(settings);
    ServerSecurity security;
    try {
      security =
          ServerSecurity.accounts(
              store, settings.masterKey(), settings.clock(), settings.accounts());
    } catch (RuntimeException e) {
      store.close();
      throw new CliException("cannot set up accounts: " + RootCause.oneLine(e), e);
    }
    Dashboard dashboard = new Dashboard(DashboardSettings.DEFAULT);
    ServerTls tls = null;
    if (settings.tls()) {
      try {
        tls = new ServerTls(settings.tlsCertificate(), settings.tlsKey());
      } catch (java.io.IOException | RuntimeException e) {
        store.close();
        throw new CliException(
            "cannot serve HTTPS with --tls-cert "
                + settings.tlsCertificate()
                + " and --tls-key "
                + settings.tlsKey()
                + ": "
                + RootCause.oneLine(e),
            e);
      }
    }
    ApiServer api = startApi(settings, store, security, dashboard, tls);
    List<AgentServer> local = new ArrayList<>();
    try {
      URI url =
          URI.create(
              (settings.tls() ? "https://" : "http://")
                  + urlHost(settings.host())
                  + ":"
                  + api.port());
      // Written before anything slow (a local agent probes its runner): once /healthz answers,
      // local commands find the key.
      Credentials admin = adminCredentials(settings.grytHome(), security, url);
      // One secret for this process's agents: only its own dispatcher may call them.
      AgentToken localToken = AgentToken.random();
      if (settings.controller()) {
        local.addAll(
            startLocalAgents(settings, localToken, tls == null ? null : tls.selfTrust(), err));
      }
      List<URI> agents = new ArrayList<>(settings.agentUrls());
      Map<String, String> tokens = new HashMap<>();
      for (AgentServer a : local) {
        URI agent = URI.create("http://127.0.0.1:" + a.port());
        agents.add(agent);
        tokens.put(AgentRegistry.nameOf(agent), localToken.value());
      }
      LeaderElectedLoop controller = null;
      if (settings.controller()) {
        URI reportBase = settings.advertiseUrl() == null ? url : settings.advertiseUrl();
        controller = startController(settings, store, reportBase, agents, tokens);
        LeaderElectedLoop loop = controller;
        api.healthDetails(() -> controllerCounters(loop));
        api.liveness(loop::deadThreads);
      }
      return new ServerWiring(
          store,
          api,
          url,
          admin,
          dashboard,
          local,
          agents,
          controller,
          tls == null ? null : tls.selfTrust());
    } catch (RuntimeException e) {
      api.close();
      local.forEach(AgentServer::close);
      store.close();
      throw e;
    }
  }

  /** A client context that trusts this server's certificate; null without TLS. */
  SSLContext selfTrust() {
    return selfTrust;
  }

  /** Where the API listens, as clients on this machine reach it. */
  URI url() {
    return url;
  }

  /** The admin's API key for this machine, as written to {@code $GRYT_HOME/servers/}. */
  Credentials admin() {
    return admin;
  }

  /**
   * A one-time link that signs the bootstrap admin in to the dashboard, as Jupyter prints its token
   * URL: good once, for a few minutes.
   */
  URI adminSignInLink() {
    return url.resolve(dashboard.signInLinkPath(Principal.ADMIN_ID));
  }

  /** Whether any agent (remote or in-process) can take runs. */
  boolean hasAgents() {
    return !agents.isEmpty();
  }

  /** No new requests first, then the loop and the agents, then the store they were writing to. */
  @Override
  public void close() {
    try {
      api.close();
      if (controller != null) {
        controller.close();
      }
      localAgents.forEach(AgentServer::close);
    } finally {
      store.close();
    }
  }

  private static ResourceStore openStore(Settings settings) {
    String db = settings.db();
    String url = db.strip();
    if (url.startsWith(SQLITE)) {
      url = SQLITE + sqliteFile(settings, url.substring(SQLITE.length()));
    }
    int sql = url.indexOf(KUBERNETES_SQLITE);
    if (url.startsWith("kubernetes:") && sql > 0) {
      // The SQLite file beside a Kubernetes store is relative to the working directory too.
      int path = sql + KUBERNETES_SQLITE.length();
      url = url.substring(0, path) + sqliteFile(settings, url.substring(path));
    }
    try {
      return StoreFactory.open(url, settings.clock(), new SecretSealer(settings.masterKey()));
    } catch (IllegalArgumentException e) {
      // The factory's message already lists the URL forms it takes.
      throw new CliException("invalid --db: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CliException("cannot open store " + db + ": " + RootCause.oneLine(e), e);
    }
  }

  /** The SQLite file, relative to the working directory, with its directory created. */
  private static Path sqliteFile(Settings settings, String path) {
    if (path.isBlank()) {
      throw new CliException(
          "invalid --db '" + settings.db() + "': no file after sqlite: (e.g. sqlite:gryt.db)");
    }
    Path file = settings.workingDirectory().resolve(path).toAbsolutePath().normalize();
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

  private static ApiServer startApi(
      Settings settings,
      ResourceStore store,
      ServerSecurity security,
      Dashboard dashboard,
      ServerTls tls) {
    try {
      return ApiServer.start(
          store,
          settings.host(),
          settings.port(),
          security,
          new ApiServer.RunSettings(
              settings.clock(), (int) settings.maxStepLogBytes(), settings.quotas()),
          List.of(dashboard),
          tls);
    } catch (RuntimeException e) {
      store.close();
      throw new CliException(
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + RootCause.oneLine(e)
              + " (is another server running? pick a port with --port)",
          e);
    }
  }

  /**
   * The admin's API key for this machine, as k3s writes a kubeconfig: kept in {@code
   * $GRYT_HOME/servers/HOST-PORT.json} (0600) while it works, made anew when it is missing or no
   * longer works (another master key, a revoked key).
   */
  private static Credentials adminCredentials(Path grytHome, ServerSecurity security, URI url) {
    Path file = Credentials.localServerFile(grytHome, url.getHost(), url.getPort());
    try {
      if (Files.isRegularFile(file)) {
        JsonNode stored = ResourceCodec.json().readTree(file.toFile());
        String keyId = stored.path("api_key_id").asText("");
        String secret = stored.path("api_key_secret").asText("");
        if (security.accounts().keyWorks(Principal.ADMIN_ID, keyId, secret)) {
          return new Credentials(keyId, secret, "admin", file.toString());
        }
      }
      Accounts.IssuedKey issued =
          security.accounts().createKey(Principal.ADMIN_ID, "gryt server on this machine", null);
      var content = ResourceCodec.json().createObjectNode();
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

  /**
   * The in-process agents: plain HTTP on loopback, each request bearing {@code token} (only this
   * server talks to them: any other local process gets 401), with the runner asked for, else the
   * best one that works here. Without an explicit {@code --runner}, a machine where no isolating
   * runner works gets the process runner, for the admin's own runs only, and a note that says so.
   */
  private static List<AgentServer> startLocalAgents(
      Settings settings, AgentToken token, SSLContext selfTrust, PrintWriter err) {
    int count = settings.localAgents();
    if (count <= 0) {
      return List.of();
    }
    String runner = settings.runner();
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
      // The first command of a fresh machine still runs its example: the admin's own runs on the
      // process runner, which the agent never uses for a tenant's run (RunsHandler).
      stepRunner = Runners.detect(RunnerKind.PROCESS, null);
      err.println(
          "note: "
              + e.getMessage().replaceFirst("\\); install .*$", ")")
              + ": the local agent runs the admin's own runs with the process runner, without"
              + " isolation, and refuses tenants' runs; bin/setup-containers (podman or bubblewrap)"
              + " isolates steps");
    }
    List<AgentServer> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path work = settings.workingDirectory().resolve(".gryt/agent-" + i);
      try {
        Files.createDirectories(work);
        RunExecutor executor =
            new RunExecutor(
                stepRunner,
                selfTrust != null
                    ? new ReportClient(selfTrust, Duration.ofSeconds(10))
                    : ReportClient.plain(),
                work,
                settings.agentCapacity(),
                settings.clock(),
                RunExecutor.Options.defaults());
        started.add(AgentServer.start("127.0.0.1", 0, null, token, executor, "local"));
      } catch (IOException | RuntimeException e) {
        started.forEach(AgentServer::close);
        throw new CliException("cannot start a local agent: " + RootCause.oneLine(e), e);
      }
    }
    // On stderr, with the other notes: stdout starts with the banner, which scripts read.
    err.println(
        "local agent"
            + (count > 1 ? "s" : "")
            + ": "
            + count
            + " x "
            + settings.agentCapacity()
            + " runs, runner "
            + Runners.describe(stepRunner));
    err.flush();
    return started;
  }

  /**
   * The control loop, run only while this process leads among the servers sharing the store, so two
   * servers on one database never reconcile the same resource at once.
   */
  private static LeaderElectedLoop startController(
      Settings settings,
      ResourceStore store,
      URI reportBase,
      List<URI> agentUrls,
      Map<String, String> agentTokens) {
    Clock clock = settings.clock();
    return new LeaderElectedLoop(
            store.leaderLock("controller"),
            () -> {
              RepoTokens tokens = RepoTokens.standalone(settings.repoTokenEnv());
              ControlLoop loop = StandaloneOperator.create(store, clock, tokens);
              if (!agentUrls.isEmpty()) {
                AgentRegistry agents =
                    new AgentRegistry(
                        agentUrls,
                        new AgentClient(settings.agentTls(), Duration.ofSeconds(5), agentTokens),
                        Duration.ofSeconds(2));
                loop.with(
                    new JobRunDispatcher(
                        store,
                        clock,
                        agents,
                        tokens,
                        settings.placement(),
                        reportBase.toString(),
                        settings.maxStepLogBytes()));
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

  /** The host to print in the URL: a wildcard bind is reachable on loopback. */
  private static String urlHost(String host) {
    if ("0.0.0.0".equals(host) || "::".equals(host) || host.isBlank()) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
