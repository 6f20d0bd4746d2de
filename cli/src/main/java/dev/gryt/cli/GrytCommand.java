package dev.gryt.cli;

import dev.gryt.cli.agent.AgentCommand;
import dev.gryt.cli.agent.CertsCommand;
import dev.gryt.cli.cloud.CloudCommand;
import dev.gryt.cli.server.OperatorCommand;
import dev.gryt.cli.server.ServerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The root {@code gryt} command; it only groups the subcommands. */
@Command(
    name = "gryt",
    description = "Declarative CI: apply pipelines, repositories, jobs and webhooks to a server.",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = VersionProvider.class,
    subcommands = {
      ServerCommand.class,
      OperatorCommand.class,
      CloudCommand.class,
      AgentCommand.class,
      CertsCommand.class
    })
public final class GrytCommand {}
