package dev.gryt.cli.agent;

import dev.gryt.agent.run.ReportClient;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.agent.runner.RunnerKind;
import dev.gryt.agent.runner.Runners;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.server.AgentServer;
import dev.gryt.agent.server.AgentTls;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.cli.Foreground;
import dev.gryt.cli.VersionProvider;
import dev.gryt.tls.PemTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gryt agent}: runs pipeline steps for a gryt server, in the foreground until Ctrl-C. Only
 * mutual TLS unless {@code --insecure} says otherwise.
 */
@Command(name = "agent", description = "Run pipelines for a gryt server (mutual TLS).")
public final class AgentCommand implements Callable<Integer> {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "The agent's certificate (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The agent's private key (PEM).")
  Path tlsKey;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "CA (PEM) that client certificates must chain to.")
  Path ca;

  @Option(
      names = "--insecure",
      description = "Serve plain HTTP with no client authentication (local development only).")
  boolean insecure;

  @Option(
      names = "--capacity",
      defaultValue = "4",
      description = "Runs at once (default: ${DEFAULT-VALUE}).")
  int capacity;

  @Option(
      names = "--runner",
      defaultValue = "auto",
      paramLabel = "KIND",
      description =
          "container, sandbox, process, or auto: a container where podman/docker works, else the"
              + " bubblewrap sandbox (default: ${DEFAULT-VALUE}).")
  String runner;

  @Option(
      names = "--default-image",
      defaultValue = Runners.DEFAULT_IMAGE,
      description = "Image for pipelines and steps that name none (default: ${DEFAULT-VALUE}).")
  String defaultImage;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where run workspaces go (default: a gryt-agent directory in the temp dir).")
  Path workDir;

  @Option(
      names = "--server-ca",
      paramLabel = "FILE",
      description = "CA (PEM) to trust for https report URLs (default: the JVM's trust store).")
  Path serverCa;

  @Option(
      names = "--heartbeat-seconds",
      defaultValue = "5",
      description =
          "Report a running run at least this often, even with nothing new; it must stay below"
              + " the server's --lease-seconds (default: ${DEFAULT-VALUE}).")
  int heartbeatSeconds;

  @Option(
      names = "--allow-network",
      description = "Let steps reach the network (default: container and sandbox steps have none).")
  boolean allowNetwork;

  AgentCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    AgentTls tls = tls();
    if (capacity < 1) {
      throw new CliException("--capacity must be at least 1");
    }
    if (heartbeatSeconds < 1) {
      throw new CliException("--heartbeat-seconds must be at least 1");
    }
    StepRunner stepRunner = stepRunner();
    Path work = workDirectory();
    RunExecutor executor =
        new RunExecutor(
            stepRunner,
            reportClient(),
            work,
            capacity,
            Clock.systemUTC(),
            RunExecutor.Options.defaults()
                .withNetworkAllowed(allowNetwork)
                .withHeartbeat(Duration.ofSeconds(heartbeatSeconds)));
    AgentServer server;
    try {
      server = AgentServer.start(host, port, tls, executor, VersionProvider.version());
    } catch (IOException e) {
      executor.close();
      throw new CliException("cannot use the TLS files: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      executor.close();
      throw new CliException(
          "cannot listen on "
              + host
              + ":"
              + port
              + ": "
              + rootMessage(e)
              + " (pick a port with --port)",
          e);
    }
    Foreground foreground = Foreground.stopOnExit("gryt-agent", server::close);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "gryt agent listening on "
            + (tls == null ? "http" : "https")
            + "://"
            + host
            + ":"
            + server.port()
            + (tls == null ? " (INSECURE: plain HTTP, no client authentication)" : " (mutual TLS)")
            + "; runtime "
            + Runners.describe(stepRunner)
            + ", capacity "
            + capacity
            + ", workspaces in "
            + work
            + " (Ctrl-C stops it)");
    out.flush();
    foreground.await();
    return 0;
  }

  private AgentTls tls() {
    boolean anyTls = tlsCert != null || tlsKey != null || ca != null;
    if (insecure) {
      if (anyTls) {
        throw new CliException("--insecure serves plain HTTP: drop it, or drop the TLS options");
      }
      return null;
    }
    if (tlsCert == null || tlsKey == null || ca == null) {
      throw new CliException(
          "the agent needs --tls-cert, --tls-key and --ca (mutual TLS; make them with gryt certs"
              + " init), or --insecure for plain HTTP in local development");
    }
    Path cert = resolve(tlsCert);
    Path key = resolve(tlsKey);
    Path caFile = resolve(ca);
    for (Path file : new Path[] {cert, key, caFile}) {
      if (!Files.isReadable(file)) {
        throw new CliException("cannot read " + file + " (make the files with gryt certs init)");
      }
    }
    return new AgentTls(cert, key, caFile);
  }

  private StepRunner stepRunner() {
    try {
      return Runners.detect(RunnerKind.parse(runner), defaultImage);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private Path workDirectory() {
    Path dir =
        workDir != null
            ? resolve(workDir)
            : Path.of(System.getProperty("java.io.tmpdir"), "gryt-agent");
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CliException("cannot create the work directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private ReportClient reportClient() {
    if (serverCa == null) {
      return ReportClient.plain();
    }
    try {
      SSLContext ssl = PemTls.clientContext(resolve(serverCa), null, null);
      return new ReportClient(ssl, Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new CliException("cannot use --server-ca: " + e.getMessage(), e);
    }
  }

  private Path resolve(Path path) {
    return environment.workingDirectory().resolve(path).toAbsolutePath().normalize();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
