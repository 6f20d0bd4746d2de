package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gryt cloud teams create|list|show|add-member|remove-member}. Any other {@code gryt cloud}
 * command acts for a team with {@code --team NAME} (or {@code $GRYT_TEAM}).
 */
@Command(
    name = "teams",
    description = {
      "Create teams and manage their members.",
      "Any gryt cloud command acts for a team with --team NAME (or $GRYT_TEAM)."
    })
public final class TeamsCommand {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Command(name = "create", description = "Create a team; you become its owner.")
  int create(@Parameters(paramLabel = "NAME") String name) {
    JsonNode team = cloud.client().post("teams", Map.of("name", name));
    println(
        "team " + team.path("name").asText() + " created (" + team.path("team_id").asText() + ")");
    return 0;
  }

  @Command(name = "list", description = "List the teams you are in.")
  int list() {
    JsonNode data = cloud.client().get("teams");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "ID", "CREATED"));
    for (JsonNode t : data.path("items")) {
      rows.add(
          List.of(
              t.path("name").asText(), t.path("team_id").asText(), t.path("created_at").asText()));
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable.fitting(rows).lines(rows).forEach(out::println);
    out.flush();
    return 0;
  }

  @Command(name = "show", description = "Show a team and its members.")
  int show(@Parameters(paramLabel = "NAME") String name) {
    JsonNode team = cloud.client().get("teams/" + GrytApiClient.segment(name));
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("MEMBER", "ROLE", "ADDED"));
    for (JsonNode m : team.path("members")) {
      rows.add(
          List.of(
              m.path("username").asText(), m.path("role").asText(), m.path("added_at").asText()));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "team:  " + team.path("name").asText() + " (" + team.path("team_id").asText() + ")");
    out.println("you:   " + team.path("role").asText());
    TextTable.fitting(rows).lines(rows).forEach(out::println);
    out.flush();
    return 0;
  }

  @Command(
      name = "add-member",
      description = "Add an account to a team you own (or change its role).")
  int addMember(
      @Parameters(index = "0", paramLabel = "TEAM") String team,
      @Parameters(index = "1", paramLabel = "USERNAME") String username,
      @Option(
              names = "--role",
              defaultValue = "member",
              description = "owner or member (default: ${DEFAULT-VALUE}).")
          String role) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("role", role);
    cloud.client().post("teams/" + GrytApiClient.segment(team) + "/members", body);
    println(
        username
            + " is now "
            + ("owner".equals(role) ? "an owner" : "a member")
            + " of team "
            + team);
    return 0;
  }

  @Command(
      name = "remove-member",
      description = "Remove an account from a team you own, or leave one (your own username).")
  int removeMember(
      @Parameters(index = "0", paramLabel = "TEAM") String team,
      @Parameters(index = "1", paramLabel = "USERNAME") String username) {
    cloud
        .client()
        .delete(
            "teams/" + GrytApiClient.segment(team) + "/members/" + GrytApiClient.segment(username));
    println(username + " left team " + team);
    return 0;
  }

  private void println(String line) {
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
  }
}
