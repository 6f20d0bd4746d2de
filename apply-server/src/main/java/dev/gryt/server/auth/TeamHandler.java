package dev.gryt.server.auth;

import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.JsonBody;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Team;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/teams}: create a team (its creator owns it), list the caller's teams, show one
 * with its members, add or remove members. A team the caller is not in answers 404.
 */
public final class TeamHandler {
  public static final String PATH = "/api/v1/teams";

  private final Teams teams;

  public TeamHandler(Teams teams) {
    this.teams = teams;
  }

  /** {@code POST /api/v1/teams {name}}. */
  public void create(Context ctx) {
    Principal caller = Principal.of(ctx);
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    body.check("team");
    Team team = teams.create(caller, name);
    Map<String, Object> data = view(team);
    data.put("role", Team.Role.OWNER.wire());
    Envelope.reply(ctx, 201, Envelope.success("team " + name + " created", data));
  }

  /** {@code GET /api/v1/teams}: the caller's teams. */
  public void list(Context ctx) {
    Principal caller = Principal.of(ctx);
    List<Map<String, Object>> items = teams.of(caller).stream().map(TeamHandler::view).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " team(s)", data));
  }

  /** {@code GET /api/v1/teams/{name}}: the team and its members. */
  public void get(Context ctx) {
    Teams.Membership mine = teams.membership(Principal.of(ctx), ctx.pathParam("name"));
    Map<String, Object> data = view(mine.team());
    data.put("role", mine.member().role().wire());
    data.put("members", teams.members(mine.team()).stream().map(TeamHandler::view).toList());
    Envelope.reply(ctx, 200, Envelope.success("team " + mine.team().name(), data));
  }

  /** {@code POST /api/v1/teams/{name}/members {username, role?}}: owners only. */
  public void putMember(Context ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.string("username", true);
    String roleText = body.string("role", false);
    Team.Role role = Team.Role.MEMBER;
    if (roleText != null) {
      try {
        role = Team.Role.valueOf(roleText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        body.problem("role", "must be owner or member");
      }
    }
    body.check("team member");
    Team.Member member = teams.put(Principal.of(ctx), ctx.pathParam("name"), username, role);
    Envelope.reply(
        ctx,
        200,
        Envelope.success(
            username
                + " is a"
                + (role == Team.Role.OWNER ? "n owner" : " member")
                + " of team "
                + ctx.pathParam("name"),
            view(member)));
  }

  /** {@code DELETE /api/v1/teams/{name}/members/{username}}: owners, or a member leaving. */
  public void removeMember(Context ctx) {
    String username = ctx.pathParam("username");
    teams.remove(Principal.of(ctx), ctx.pathParam("name"), username);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("username", username);
    data.put("removed", true);
    Envelope.reply(
        ctx, 200, Envelope.success(username + " left team " + ctx.pathParam("name"), data));
  }

  /** Whether a request path is about accounts, keys or teams: those never act for a team. */
  public static boolean isAccountRoute(String path) {
    return path.startsWith("/api/v1/accounts")
        || path.equals("/api/v1/whoami")
        || path.startsWith("/api/v1/api-keys")
        || path.startsWith(PATH);
  }

  private static Map<String, Object> view(Team t) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("team_id", t.id());
    v.put("name", t.name());
    v.put("created_at", t.createdAt().toString());
    return v;
  }

  private static Map<String, Object> view(Team.Member m) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("username", m.username());
    v.put("role", m.role().wire());
    v.put("added_at", m.addedAt().toString());
    return v;
  }
}
