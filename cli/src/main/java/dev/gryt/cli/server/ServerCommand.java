package dev.gryt.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.cli.Foreground;
import dev.gryt.cli.cloud.ApplyOutput;
import dev.gryt.cli.cloud.ApplyResult;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.cli.cloud.GrytApiClient;
import dev.gryt.cli.cloud.ManifestInput;
import dev.gryt.operator.Placement;
import dev.gryt.server.Quotas;
import dev.gryt.server.auth.AccountSettings;
import dev.gryt.tls.PemTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gryt server}: the API server in the foreground until Ctrl-C, on SQLite by default. Ctrl-C
 * (or SIGTERM) stops the server, then closes the store. The flags are read here; {@link
 * ServerWiring} builds and stops the process's objects.
 */
@Command(name = "server", description = "Run the gryt API server in the foreground.")
public final class ServerCommand implements Callable<Integer> {
  static final String DEFAULT_DB = "sqlite:.gryt/server.db";
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

  @Option(
      names = "--max-step-log-bytes",
      paramLabel = "BYTES",
      defaultValue = "4194304",
      description =
          "The most output one step keeps: agents stop passing it on beyond this, and the server"
              + " keeps no more (default: ${DEFAULT-VALUE}, 4 MiB; at most 1 GiB).")
  long maxStepLogBytes;

  /** The largest {@code --max-step-log-bytes}: a step's log is counted in an int on the server. */
  static final long MAX_STEP_LOG_BYTES = 1L << 30;

  @Mixin TenantOptions tenants = new TenantOptions();

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "Serve HTTPS with this PEM certificate (chain), read again when it changes; with"
              + " --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The PEM private key of --tls-cert.")
  Path tlsKey;

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
    PrintWriter err = spec.commandLine().getErr();
    SSLContext tls = agentTls();
    // Checked before anything starts: a wrong flag fails fast, with nothing to undo.
    if (maxStepLogBytes < 1 || maxStepLogBytes > MAX_STEP_LOG_BYTES) {
      throw new CliException(
          "--max-step-log-bytes must be between 1 and "
              + MAX_STEP_LOG_BYTES
              + ": "
              + maxStepLogBytes);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CliException("--tls-cert and --tls-key go together");
    }
    Path certificate = tlsCert == null ? null : environment.workingDirectory().resolve(tlsCert);
    Path key = tlsKey == null ? null : environment.workingDirectory().resolve(tlsKey);
    AccountSettings accounts = tenants.accountSettings(host);
    // Beyond loopback with neither TLS nor a proxy in front, a password would cross the network in
    // the clear: refused from other machines (API keys sign requests and carry no secret).
    boolean plainBeyondLoopback =
        !TenantOptions.loopbackOnly(host)
            && certificate == null
            && accounts.trustedProxies().isEmpty();
    accounts = accounts.passwordsOnlyOverTls(plainBeyondLoopback);
    Quotas quotas = tenants.quotas();
    // The server keeps real time (leases, replay windows, requeue delays), whatever clock the
    // command's environment shows ages with.
    Clock clock = Clock.systemUTC();
    ServerWiring server =
        ServerWiring.start(
            new ServerWiring.Settings(
                clock,
                host,
                port,
                db,
                environment.workingDirectory(),
                environment.grytHome(),
                masterKey(),
                accounts,
                quotas,
                !noController,
                agentUrls,
                localAgents,
                runner,
                agentCapacity,
                tls,
                advertiseUrl,
                new Placement.Settings(Duration.ofSeconds(leaseSeconds), maxAttempts),
                Set.copyOf(repoTokenEnv),
                maxStepLogBytes,
                certificate,
                key),
            err);
    Foreground foreground =
        Foreground.stopOnExit(
            "gryt-server",
            () -> {
              try {
                server.close();
              } finally {
                err.println("gryt server stopped");
                err.flush();
              }
            });
    URI url = server.url();
    Credentials admin = server.admin();
    out.println("gryt server listening on " + url + " (store: " + db + "; Ctrl-C stops it)");
    out.println(
        "admin API key "
            + admin.keyId()
            + " is in "
            + admin.source()
            + "; gryt commands on this machine use it");
    out.println(
        "dashboard: " + url + "/ (sign in as admin, once: " + server.adminSignInLink() + ")");
    out.flush();
    err.println(tenants.signupLine(host));
    if (plainBeyondLoopback) {
      err.println(
          "warning: listening on "
              + host
              + " over plain HTTP: passwords (HTTP Basic, the dashboard's sign-in) from other"
              + " machines are refused; serve HTTPS with --tls-cert/--tls-key, or name the proxy"
              + " in front with --trusted-proxy (API keys keep working: gryt cloud login)");
    }
    err.flush();
    if (applyPath != null) {
      List<ApplyResult> applied = applyManifests(url, admin, clock, out, server.selfTrust());
      printNextSteps(url, out, jobToRun(applied), server.hasAgents());
    }
    foreground.await();
    return 0;
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
      return PemTls.clientContext(
          environment.workingDirectory().resolve(agentCa),
          environment.workingDirectory().resolve(agentCert),
          environment.workingDirectory().resolve(agentKey));
    } catch (IOException e) {
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

  /** The master key: it seals secrets in the store, which therefore opens after it. */
  private byte[] masterKey() {
    Path keyFile = masterKeyFile != null ? masterKeyFile : MasterKey.defaultFile(environment);
    return MasterKey.load(environment, keyFile);
  }

  /** Applies {@code --apply} through the API as the admin, stamped by the server's own clock. */
  private List<ApplyResult> applyManifests(
      URI url, Credentials admin, Clock clock, PrintWriter out, SSLContext selfTrust) {
    String yaml = ManifestInput.read(List.of(applyPath), true, environment).validatedYaml();
    JsonNode data =
        new GrytApiClient(url, admin.decorator(clock), selfTrust).apply(yaml, false, null);
    List<ApplyResult> results = ApplyResult.listFrom(data);
    ApplyOutput.printResults(out, results, false);
    out.flush();
    return results;
  }
}
