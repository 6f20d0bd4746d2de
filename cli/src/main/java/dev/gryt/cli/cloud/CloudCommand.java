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
      DashboardCommand.class,
      TeamsCommand.class,
      AccountsCommand.class,
      KindCommands.Pipelines.class,
      KindCommands.Repos.class,
      KindCommands.Webhooks.class,
      ApiCommand.class,
      dev.gryt.cli.local.CloudSyncCommand.class
    })
public final class CloudCommand {
  /** The header that makes a request act for a team (the server's {@code Teams.HEADER}). */
  static final String TEAM_HEADER = "X-Gryt-Team";

  private final CliEnvironment environment;
  private String server;
  private String team;

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

  @Option(
      names = "--team",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description =
          "Act for a team you are in: its resources, runs and generations. Default: $GRYT_TEAM.")
  void setTeam(String team) {
    this.team = team;
  }

  CliEnvironment environment() {
    return environment;
  }

  /** A client for the server this invocation names. */
  GrytApiClient client() {
    URI url = ServerUrl.resolve(server, environment);
    Credentials credentials = Credentials.find(url, environment);
    RequestDecorator auth =
        credentials == null ? RequestDecorator.NONE : credentials.decorator(environment.clock());
    String actingFor = team != null ? team : environment.variables().get("GRYT_TEAM");
    if (actingFor == null || actingFor.isBlank()) {
      return new GrytApiClient(url, auth);
    }
    return new GrytApiClient(
        url,
        (builder, method, pathAndQuery, body) ->
            auth.decorate(builder, method, pathAndQuery, body)
                .header(TEAM_HEADER, actingFor.strip()));
  }

  /** The server this invocation names. */
  URI serverUrl() {
    return ServerUrl.resolve(server, environment);
  }
}
