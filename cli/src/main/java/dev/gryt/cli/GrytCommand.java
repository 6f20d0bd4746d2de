package dev.gryt.cli;

import dev.gryt.cli.agent.AgentCommand;
import dev.gryt.cli.agent.CertsCommand;
import dev.gryt.cli.cloud.CloudCommand;
import dev.gryt.cli.local.ConfigCommand;
import dev.gryt.cli.local.EvolutionCommand;
import dev.gryt.cli.local.GenerationCommand;
import dev.gryt.cli.local.InitCommand;
import dev.gryt.cli.local.RunCommand;
import dev.gryt.cli.local.SyncCommand;
import dev.gryt.cli.server.OperatorCommand;
import dev.gryt.cli.server.ServerCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code gryt} command; it only groups the subcommands, which {@link Main} registers from
 * {@link #SUBCOMMANDS}: only the one a call needs.
 */
@Command(
    name = "gryt",
    description =
        "Declarative CI: local-first generations, evolutions and runs; apply resources to a server.",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = VersionProvider.class)
public final class GrytCommand {
  /** Every subcommand by name, in the order help lists them. */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> all = new LinkedHashMap<>();
    all.put("init", InitCommand.class);
    all.put("config", ConfigCommand.class);
    all.put("run", RunCommand.class);
    all.put("generation", GenerationCommand.class);
    all.put("evolution", EvolutionCommand.class);
    all.put("sync", SyncCommand.class);
    all.put("server", ServerCommand.class);
    all.put("operator", OperatorCommand.class);
    all.put("cloud", CloudCommand.class);
    all.put("agent", AgentCommand.class);
    all.put("certs", CertsCommand.class);
    all.put("completion", CompletionCommand.class);
    return java.util.Collections.unmodifiableMap(all);
  }

  /** Read by {@link ExceptionHandler} from the parse result; declared here for help and parsing. */
  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of failures (also: GRYT_DEBUG=1).")
  boolean debug;
}
