package dev.gryt.cli.agent;

import dev.gryt.agent.tls.CertificateSet;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gryt certs}: certificates for mutual TLS between the server and its agents. */
@Command(
    name = "certs",
    description = "Make certificates for mutual TLS between the server and agents.",
    subcommands = {CertsCommand.Init.class})
public final class CertsCommand {

  /** {@code gryt certs init --out DIR}: a CA, an agent certificate and a client certificate. */
  @Command(
      name = "init",
      description =
          "Write ca.crt/ca.key, agent.crt/agent.key (server auth) and client.crt/client.key"
              + " (client auth, for the gryt server) into DIR.")
  public static final class Init implements Callable<Integer> {
    private final CliEnvironment environment;
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write.")
    String out;

    @Option(
        names = "--agent-host",
        paramLabel = "NAME",
        description =
            "Another DNS name or IP address the agent is reached by (repeatable; localhost and"
                + " 127.0.0.1 are always in).")
    List<String> agentHosts = List.of();

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    Init(CliEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      Path dir = environment.workingDirectory().resolve(out).toAbsolutePath().normalize();
      List<Path> written;
      try {
        written = CertificateSet.write(dir, agentHosts, force);
      } catch (FileAlreadyExistsException e) {
        throw new CliException(e.getFile() + " already exists (use --force to replace the set)");
      } catch (IOException e) {
        throw new CliException("cannot write certificates to " + dir + ": " + e.getMessage(), e);
      }
      PrintWriter printer = spec.commandLine().getOut();
      written.forEach(file -> printer.println("wrote " + file));
      printer.println();
      printer.println("Start an agent that accepts only the server's client certificate:");
      printer.println(
          "  gryt agent --tls-cert "
              + dir.resolve(CertificateSet.AGENT_CERT)
              + " --tls-key "
              + dir.resolve(CertificateSet.AGENT_KEY)
              + " --ca "
              + dir.resolve(CertificateSet.CA_CERT));
      printer.println("Keep ca.key offline; give client.crt/client.key to the gryt server only.");
      printer.flush();
      return 0;
    }
  }
}
