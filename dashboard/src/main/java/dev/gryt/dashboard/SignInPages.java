package dev.gryt.dashboard;

import dev.gryt.server.ApiServices;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Signing in (password or one-time link), signing out and switching teams. */
final class SignInPages {
  private final Sessions sessions;
  private final ApiServices services;
  private final Views views;

  SignInPages(Sessions sessions, ApiServices services, Views views) {
    this.sessions = sessions;
    this.services = services;
    this.views = views;
  }

  void form(Context ctx) {
    if (sessions.of(ctx).isPresent()) {
      ctx.redirect(safeNext(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
      return;
    }
    render(ctx, 200, null, ctx.queryParam("next"));
  }

  /**
   * Checks the form and the password as HTTP Basic does (same accounts, same throttle); a wrong one
   * shows the form again with what to fix.
   */
  void signIn(Context ctx) {
    String next = ctx.formParam("next");
    if (!Sessions.signInFormTokenMatches(ctx, ctx.formParam("csrf"))) {
      render(ctx, 403, "the sign-in form expired: type your password again", next);
      return;
    }
    String username = ctx.formParam("username");
    String password = ctx.formParam("password");
    StringBuilder problems = new StringBuilder();
    if (username == null || username.isBlank()) {
      problems.append("username: required. ");
    } else if (username.length() > 64) {
      problems.append("username: at most 64 characters. ");
    }
    if (password == null || password.isEmpty()) {
      problems.append("password: required. ");
    } else if (password.length() > 1024) {
      problems.append("password: at most 1024 characters. ");
    }
    if (!problems.isEmpty()) {
      render(ctx, 400, problems.toString().strip(), next);
      return;
    }
    Principal account;
    try {
      account = services.login(ctx, username.strip(), password);
    } catch (ApiException e) {
      if (e.retryAfterSeconds() > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      }
      render(ctx, e.status(), e.getMessage(), next);
      return;
    }
    if (services.account(account.accountId()).isEmpty()) {
      // A password remembered from before the account was disabled on another server.
      render(ctx, 403, "account " + username.strip() + " is disabled by the server's admin", next);
      return;
    }
    sessions.start(ctx, account);
    ctx.redirect(safeNext(next), HttpStatus.SEE_OTHER);
  }

  /** {@code GET /sign-in/link/{token}}: a one-time link signs its account in, once. */
  void link(Context ctx) {
    Optional<Principal> account = sessions.useLink(ctx.pathParam("token"));
    if (account.isEmpty()) {
      render(
          ctx,
          410,
          "this sign-in link was used already or has expired: run gryt cloud dashboard for a"
              + " fresh one",
          null);
      return;
    }
    sessions.start(ctx, account.get());
    ctx.redirect("/runs", HttpStatus.SEE_OTHER);
  }

  void signOut(Context ctx, SignedIn signedIn) {
    sessions.end(ctx, signedIn);
    ctx.redirect("/sign-in", HttpStatus.SEE_OTHER);
  }

  /** {@code POST /team}: {@code team=NAME} acts for a team the account is in; empty for itself. */
  void switchTeam(Context ctx, SignedIn signedIn) {
    String team = ctx.formParam("team");
    if (team != null && team.length() > 63) {
      throw ApiException.badRequest("team: at most 63 characters");
    }
    sessions.actFor(signedIn, team == null || team.isBlank() ? null : team.strip());
    ctx.redirect("/runs", HttpStatus.SEE_OTHER);
  }

  private void render(Context ctx, int status, String error, String next) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("formToken", sessions.signInFormToken(ctx));
    params.put("error", error);
    params.put("next", safeNext(next));
    views.render(ctx, status, "signin.jte", params);
  }

  /** Only a path of this server: never an open redirect to another site. */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.length() > 2000
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/runs";
    }
    return next;
  }
}
