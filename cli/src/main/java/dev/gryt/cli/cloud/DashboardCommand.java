package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliException;
import dev.gryt.dashboard.Dashboard;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gryt cloud dashboard}: prints a fresh one-time link that signs whoever is logged in on the
 * CLI in to the server's web dashboard.
 */
@Command(
    name = "dashboard",
    description =
        "Print a one-time link that signs you in to the server's web dashboard (good once, for"
            + " a few minutes).")
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    URI server = cloud.serverUrl();
    if (Credentials.find(server, cloud.environment()) == null) {
      throw new CliException("not logged in to " + server + " (log in with: gryt cloud login)");
    }
    String apiPath = Dashboard.LINK_PATH.substring("/api/v1/".length());
    JsonNode link = cloud.client().post(apiPath, null);
    String path = link.path("path").asText();
    if (!path.startsWith(Dashboard.LINK_PAGE)) {
      throw new CliException(
          "the server answered no sign-in link; is it a gryt server with a dashboard?");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(server.resolve(path));
    out.println("(good once, until " + link.path("expires_at").asText() + ")");
    out.flush();
    return 0;
  }
}
