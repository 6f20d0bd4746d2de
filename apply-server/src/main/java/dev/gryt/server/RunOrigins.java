package dev.gryt.server;

import dev.gryt.crds.RunOrigin;
import dev.gryt.server.http.Principal;
import io.javalin.http.Context;

/**
 * Who started a run through the API, read from what authenticated the request (never from its
 * body): the account's username and, for a signed request, the API key's id. For a team, the member
 * who acted, not the team.
 */
public final class RunOrigins {
  private RunOrigins() {}

  /** The origin of a run started or retried by {@code ctx}'s caller. */
  public static RunOrigin of(Context ctx) {
    return RunOrigin.account(Principal.of(ctx).username(), Principal.apiKeyOf(ctx));
  }
}
