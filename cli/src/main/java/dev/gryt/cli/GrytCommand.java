package dev.gryt.cli;

import dev.gryt.cli.cloud.CloudCommand;
import dev.gryt.cli.local.ConfigCommand;
import dev.gryt.cli.local.EvolutionCommand;
import dev.gryt.cli.local.GenerationCommand;
import dev.gryt.cli.local.InitCommand;
import dev.gryt.cli.local.RunCommand;
import dev.gryt.cli.local.SyncCommand;
import dev.gryt.cli.server.OperatorCommand;
import dev.gryt.cli.server.ServerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code gryt} command; it only groups the subcommands. */
@Command(
    name = "gryt",
    description =
        "Declarative CI: local-first generations, evolutions and runs; apply resources to a server.",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = VersionProvider.class,
    subcommands = {
      InitCommand.class,
      ConfigCommand.class,
      RunCommand.class,
      GenerationCommand.class,
      EvolutionCommand.class,
      SyncCommand.class,
      ServerCommand.class,
      OperatorCommand.class,
      CloudCommand.class
    })
public final class GrytCommand {
  /** Read by {@link ExceptionHandler} from the parse result; declared here for help and parsing. */
  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of failures (also: GRYT_DEBUG=1).")
  boolean debug;
}
