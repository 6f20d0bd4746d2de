package dev.gryt.dashboard;

import dev.gryt.server.ApiServices;
import dev.gryt.server.ServerExtension;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ConflictException;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.RejectedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web dashboard {@code gryt server} serves at {@code /}: sign-in, runs and their live logs,
 * resources, webhook deliveries and releases, each the signed-in account's view. Its pages call the
 * same services as the JSON API ({@link ApiServices}); {@code /api/v1} never takes its session
 * cookie.
 */
public final class Dashboard implements ServerExtension {
  /** Where {@code gryt cloud dashboard} asks for a one-time sign-in link. */
  public static final String LINK_PATH = "/api/v1/dashboard/sign-in-links";

  /** The path of a one-time sign-in link, before its token. */
  public static final String LINK_PAGE = "/sign-in/link/";

  /** What every page allows: its own scripts and styles only, no inline script, no framing. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final DashboardSettings settings;
  private final Views views = new Views();
  private volatile Sessions sessions;
  private volatile ApiServices services;

  public Dashboard(DashboardSettings settings) {
    this.settings = settings;
  }

  @Override
  public void addRoutes(RoutesConfig routes, ApiServices services) {
    this.services = services;
    this.sessions = new Sessions(services, settings);
    routes.before(Dashboard::securityHeaders);
    routes.get("/assets/{file}", Assets::serve);
    SignInPages signIn = new SignInPages(sessions, services, views);
    routes.get("/", ctx -> ctx.redirect("/runs", io.javalin.http.HttpStatus.SEE_OTHER));
    routes.get("/sign-in", signIn::form);
    routes.post("/sign-in", signIn::signIn);
    routes.get(LINK_PAGE + "{token}", signIn::link);
    routes.post("/sign-out", page(signIn::signOut));
    routes.post("/team", page(signIn::switchTeam));
    routes.post(LINK_PATH, this::mintLinkForCaller);
    RunPages runs = new RunPages(services, views);
    routes.get("/runs", page(runs::list));
    routes.get("/runs/{ref}", page(runs::show));
    routes.get("/runs/{ref}/log.txt", page(runs::raw));
    routes.get("/runs/{ref}/log-stream", page(runs::stream));
    routes.post("/runs/{ref}/cancel", page(runs::cancel));
    routes.post("/runs/{ref}/retry", page(runs::retry));
    ResourcePages resources = new ResourcePages(services, views);
    for (String kind : ResourcePages.KINDS.keySet()) {
      routes.get("/" + kind, page(resources::list));
      routes.get("/" + kind + "/{ref}", page(resources::show));
    }
    routes.post("/jobs/{ref}/run", page(resources::run));
    routes.get("/webhooks/{ref}/deliveries", page(resources::deliveries));
    routes.post("/webhooks/{ref}/deliveries/{id}/redeliver", page(resources::redeliver));
    routes.get("/releases", page(new ReleasePages(services, views)::list));
  }

  /**
   * A fresh one-time sign-in link for {@code accountId}: the path to open on this server, good for
   * {@link DashboardSettings#linkTtl()} and once.
   */
  public String signInLinkPath(String accountId) {
    return LINK_PAGE + sessions().mintLink(accountId, settings.linkTtl());
  }

  /** {@code POST /api/v1/dashboard/sign-in-links}: a link for the API caller's own account. */
  private void mintLinkForCaller(Context ctx) {
    Principal caller = Principal.of(ctx);
    // A caller acting for a team is still one person: the link signs in its own account.
    String accountId =
        services
            .accountByUsername(caller.username())
            .map(dev.gryt.store.Account::id)
            .orElseThrow(() -> ApiException.notFound("this server has no account to sign in"));
    String path = signInLinkPath(accountId);
    Instant expires = services.clock().instant().plus(settings.linkTtl());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("path", path);
    data.put("expires_at", expires.toString());
    Envelope.reply(
        ctx, 201, Envelope.success("a one-time sign-in link, good until " + expires, data));
  }

  private Sessions sessions() {
    Sessions s = sessions;
    if (s == null) {
      throw new IllegalStateException("the dashboard is not started: no server added its routes");
    }
    return s;
  }

  /**
   * Wraps a page: a request without a live session goes to the sign-in page (a state-changing one
   * is refused, 401); a state-changing one without the session's CSRF token is refused, 403; errors
   * become an error page with their status, never the API's JSON.
   */
  private Handler page(PageHandler handler) {
    return ctx -> {
      Optional<SignedIn> signedIn = Optional.empty();
      try {
        signedIn = sessions.of(ctx);
        boolean changes = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
        if (signedIn.isEmpty()) {
          if (changes) {
            throw new ApiException(401, "sign in first", null);
          }
          String next =
              ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
          ctx.redirect(
              "/sign-in?next="
                  + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8),
              io.javalin.http.HttpStatus.SEE_OTHER);
          return;
        }
        if (changes) {
          String token = ctx.formParam("csrf");
          if (token == null) {
            token = ctx.header("X-CSRF-Token");
          }
          if (token == null || !Sessions.constantTimeEquals(token, signedIn.get().csrf())) {
            throw ApiException.forbidden(
                "this form has no valid CSRF token: reload the page and try again");
          }
        }
        handler.handle(ctx, signedIn.get());
      } catch (ApiException e) {
        error(ctx, signedIn, e.status(), e.getMessage());
      } catch (NotFoundException e) {
        error(ctx, signedIn, 404, e.getMessage());
      } catch (ConflictException e) {
        error(ctx, signedIn, 409, e.getMessage());
      } catch (RejectedException e) {
        error(ctx, signedIn, 422, e.getMessage());
      }
    };
  }

  private void error(Context ctx, Optional<SignedIn> signedIn, int status, String message) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("chrome", signedIn.map(s -> chrome(services, s, "")).orElse(null));
    params.put("status", status);
    params.put("message", message);
    views.render(ctx, status, "error.jte", params);
  }

  /** The page chrome of {@code signedIn}: its teams for the switcher. */
  static Chrome chrome(ApiServices services, SignedIn signedIn, String section) {
    List<String> teams =
        services.teams() == null
            ? List.of()
            : services.teams().of(signedIn.account()).stream()
                .map(dev.gryt.store.Team::name)
                .toList();
    return new Chrome(
        signedIn.account().username(), signedIn.team(), teams, signedIn.csrf(), section);
  }

  private static void securityHeaders(Context ctx) {
    if (ctx.path().startsWith("/api/")) {
      return;
    }
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    if (!ctx.path().startsWith("/assets/")) {
      ctx.header("Cache-Control", "no-store");
    }
  }
}
