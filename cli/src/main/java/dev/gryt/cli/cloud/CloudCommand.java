package dev.gryt.cli.cloud;

import dev.gryt.cli.CliEnvironment;
import java.net.URI;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code gryt cloud}: the client of a gryt server's API. */
@Command(
    name = "cloud",
    description = "Apply, diff, get, describe and delete resources on a gryt server; run jobs.",
    subcommands = {
      ApplyCommand.class,
      DiffCommand.class,
      GetCommand.class,
      DescribeCommand.class,
      DeleteCommand.class,
      JobsCommand.class,
      RunsCommand.class,
      AccountCommands.Signup.class,
      AccountCommands.Login.class,
      AccountCommands.Logout.class,
      AccountCommands.WhoAmI.class,
      ApiKeysCommand.class,
      KindCommands.Pipelines.class,
      KindCommands.Repos.class,
      KindCommands.Webhooks.class,
      ApiCommand.class
    })
public final class CloudCommand {
  private final CliEnvironment environment;
  private String server;

  CloudCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Option(
      names = "--server",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "Server URL. Default: $GRYT_URL, else server_url in $GRYT_HOME/config.json, else "
              + ServerUrl.DEFAULT
              + ".")
  void setServer(String server) {
    this.server = server;
  }

  CliEnvironment environment() {
    return environment;
  }

  /** A client for the server this invocation names. */
  GrytApiClient client() {
    URI url = ServerUrl.resolve(server, environment);
    Credentials credentials = Credentials.find(url, environment);
    return new GrytApiClient(
        url, credentials == null ? RequestDecorator.NONE : credentials.decorator());
  }

  /** The server this invocation names. */
  URI serverUrl() {
    return ServerUrl.resolve(server, environment);
  }
}
