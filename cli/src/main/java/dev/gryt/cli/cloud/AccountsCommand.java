package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud accounts list|disable}: the server admin's view of every account. */
@Command(
    name = "accounts",
    description = "List and disable the server's accounts (the server's admin only).")
public final class AccountsCommand {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Command(name = "list", description = "List every account and whether it is disabled.")
  int list() {
    JsonNode data = cloud.client().get("accounts");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("USERNAME", "ID", "STATUS", "CREATED"));
    for (JsonNode a : data.path("items")) {
      rows.add(
          List.of(
              a.path("username").asText(),
              a.path("account_id").asText(),
              a.path("status").asText(),
              a.path("created_at").asText()));
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable.fitting(rows).lines(rows).forEach(out::println);
    out.flush();
    return 0;
  }

  @Command(
      name = "disable",
      description = {
        "Disable an account: its logins and API keys are refused, its webhooks start no run and",
        "its unfinished runs are cancelled."
      })
  int disable(@Parameters(paramLabel = "USERNAME") String username) {
    JsonNode data =
        cloud.client().post("accounts/" + GrytApiClient.segment(username) + "/disable", Map.of());
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "account "
            + data.path("username").asText(username)
            + " disabled ("
            + data.path("runs_cancelled").asInt()
            + " unfinished run(s) cancelled)");
    out.flush();
    return 0;
  }
}
