package dev.gryt.server;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunFactory;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.agent.AgentProtocol;
import dev.gryt.server.apply.ApplyEngine;
import dev.gryt.server.apply.ApplyHandler;
import dev.gryt.server.auth.AccountHandler;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.server.auth.TeamHandler;
import dev.gryt.server.auth.Teams;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Authenticator;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.Principal;
import dev.gryt.server.http.ServerTls;
import dev.gryt.store.ConflictException;
import dev.gryt.store.GoneException;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.RejectedException;
import dev.gryt.store.ResourceStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of gryt ({@code /api/v1/...}) over a {@link ResourceStore}: apply, REST reads and
 * deletes per kind, health. The wiring on top of the server's packages: it builds every handler,
 * routes to them, and maps errors to the wire envelope here and nowhere else. No handler knows it
 * (they answer through {@link Envelope#reply}).
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /**
   * Largest request body read, the webhook trigger's; {@link BodyLimit} refuses a larger declared
   * body on any route, and more than 4 MiB on every route but the trigger, before reading it.
   */
  static final long MAX_REQUEST_BYTES = WebhookHandler.MAX_BODY_BYTES;

  private static final String STARTED_AT = "gryt.startedAt";

  private final Javalin app;
  private final AtomicReference<Supplier<Map<String, ?>>> healthDetails;
  private final AtomicReference<Supplier<List<String>>> deadThreads;
  private final WatchHub watches;

  /** Closed with the server (its reload watcher); null for plain HTTP. */
  private final ServerTls tls;

  private ApiServer(
      Javalin app,
      AtomicReference<Supplier<Map<String, ?>>> healthDetails,
      AtomicReference<Supplier<List<String>>> deadThreads,
      WatchHub watches,
      ServerTls tls) {
    this.tls = tls;
    this.app = app;
    this.healthDetails = healthDetails;
    this.deadThreads = deadThreads;
    this.watches = watches;
  }

  /**
   * Makes {@code /healthz} answer 503, naming them, while {@code deadThreads} lists threads that
   * must live and have died (the control loop's, while this process leads): a process that can no
   * longer do its work must be restarted, not reported healthy.
   */
  public void liveness(Supplier<List<String>> deadThreads) {
    this.deadThreads.set(deadThreads);
  }

  /**
   * Adds what {@code details} says to every {@code /healthz} answer (the in-process control loop's
   * counters); replaces what an earlier call added.
   */
  public void healthDetails(Supplier<Map<String, ?>> details) {
    healthDetails.set(details);
  }

  /**
   * Starts a server that trusts every caller as the admin: for tests, and for tools bound to the
   * loopback interface only.
   */
  public static ApiServer start(ResourceStore store, String host, int port) {
    return start(store, host, port, ServerSecurity.TRUST_LOOPBACK);
  }

  /** Starts a server bound to {@code host:port} (port 0 picks a free one). */
  public static ApiServer start(
      ResourceStore store, String host, int port, ServerSecurity security) {
    return start(store, host, port, security, RunSettings.DEFAULT);
  }

  /**
   * How agents' reports are taken and tenants' work limited: the clock that stamps reports and
   * promotions, how much log a step keeps, each tenant's quotas.
   */
  public record RunSettings(Clock clock, int maxLogCharsPerStep, Quotas quotas) {
    /** The agents' default cap (4 MiB) in characters of log per step, the default quotas. */
    public static final RunSettings DEFAULT = new RunSettings(Clock.systemUTC(), 4 * 1024 * 1024);

    public RunSettings(Clock clock, int maxLogCharsPerStep) {
      this(clock, maxLogCharsPerStep, Quotas.DEFAULT);
    }
  }

  /** The same, with the given handling of agents' reports. */
  public static ApiServer start(
      ResourceStore store,
      String host,
      int port,
      ServerSecurity security,
      RunSettings runSettings) {
    return start(store, host, port, security, runSettings, List.of());
  }

  /** The same, with the routes of {@code extensions} (the dashboard) on the same port. */
  public static ApiServer start(
      ResourceStore store,
      String host,
      int port,
      ServerSecurity security,
      RunSettings runSettings,
      List<ServerExtension> extensions) {
    return start(store, host, port, security, runSettings, extensions, null);
  }

  /**
   * The same, serving HTTPS only when {@code tls} is given (its certificate reloaded when the files
   * change), plain HTTP when it is null.
   */
  public static ApiServer start(
      ResourceStore store,
      String host,
      int port,
      ServerSecurity security,
      RunSettings runSettings,
      List<ServerExtension> extensions,
      ServerTls tls) {
    Authenticator authenticator = security.authenticator();
    TenantLimits limits = new TenantLimits(store, runSettings.quotas(), runSettings.clock());
    security.whenAccountDisabled(limits::accountsChanged);
    ApplyHandler apply =
        new ApplyHandler(
            ctx -> {
              // Through the caller's view, so names resolve in its namespaces; its object quota.
              String tenant = Principal.of(ctx).namespacePrefix();
              return new ApplyEngine(
                  TenantStore.of(store, ctx),
                  added -> limits.checkObjects(tenant, added),
                  (applied, stored) -> {
                    // A JobRun's provenance is the server's to say, not the manifest's.
                    if (applied instanceof JobRun run) {
                      JobRunFactory.stampApplied(run, (JobRun) stored, RunOrigins.of(ctx));
                    }
                  });
            });
    AtomicReference<Supplier<Map<String, ?>>> healthDetails = new AtomicReference<>(Map::of);
    AtomicReference<Supplier<List<String>>> deadThreads = new AtomicReference<>(List::of);
    QueuedThreadPool requestThreads = threadPool();
    // One reader of the event log for every long poll; answers are written on request threads.
    WatchHub watches = WatchHub.start(store, requestThreads);
    RunService runService = new RunService(store, limits);
    WebhookHandler webhooks = new WebhookHandler(store, limits);
    ApiServices services =
        new ApiServices(store, security, runService, watches, runSettings.clock(), webhooks);
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              config.jetty.host = host;
              config.jetty.port = port;
              config.jetty.threadPool = requestThreads;
              if (tls != null) {
                config.jetty.addConnector(
                    (server, httpConfig) -> {
                      HttpConfiguration https = new HttpConfiguration(httpConfig);
                      https.addCustomizer(new SecureRequestCustomizer());
                      ServerConnector connector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(tls.factory(), "http/1.1"),
                              new HttpConnectionFactory(https));
                      connector.setHost(host);
                      connector.setPort(port);
                      return connector;
                    });
              }
              var routes = config.routes;
              // Server-Timing lets clients and benchmarks see time spent in the server alone.
              routes.before(ctx -> ctx.attribute(STARTED_AT, System.nanoTime()));
              routes.after(ApiServer::serverTiming);
              routes.get(
                  "/healthz",
                  ctx -> health(ctx, store, watches, healthDetails.get(), deadThreads.get()));
              routes.get("/readyz", ctx -> ready(ctx, store));
              routes.before(
                  "/api/*",
                  ctx -> {
                    BodyLimit.check(ctx);
                    if (!isPublic(ctx)) {
                      authenticator.authenticate(ctx);
                      actForTeam(ctx, security.teams());
                    }
                  });
              if (security.handler() != null) {
                AccountHandler accounts = security.handler();
                routes.post(AccountHandler.CREATE_PATH, accounts::create);
                routes.get("/api/v1/accounts", accounts::list);
                routes.post("/api/v1/accounts/{username}/disable", accounts::disable);
                routes.post("/api/v1/accounts/change-password", accounts::changePassword);
                routes.get("/api/v1/accounts/me", accounts::me);
                routes.post("/api/v1/api-keys", accounts::createKey);
                routes.get("/api/v1/api-keys", accounts::listKeys);
                routes.delete("/api/v1/api-keys/{key_id}", accounts::revokeKey);
                routes.get("/api/v1/whoami", accounts::me);
                TeamHandler teams = new TeamHandler(security.teams());
                routes.post(TeamHandler.PATH, teams::create);
                routes.get(TeamHandler.PATH, teams::list);
                routes.get(TeamHandler.PATH + "/{name}", teams::get);
                routes.post(TeamHandler.PATH + "/{name}/members", teams::putMember);
                routes.delete(TeamHandler.PATH + "/{name}/members/{username}", teams::removeMember);
              }
              routes.post("/api/v1/apply", apply::apply);
              RunHandler runs = new RunHandler(store, runService);
              routes.post("/api/v1/jobs/{ref}/run", runs::start);
              routes.post("/api/v1/runs/{ref}/cancel", runs::cancel);
              routes.post("/api/v1/runs/{ref}/retry", runs::retry);
              routes.get("/api/v1/runs/{ref}/logs", new RunLogHandler(store, watches)::logs);
              StepLogHandler stepLogs = new StepLogHandler(store);
              routes.get("/api/v1/runs/{ref}/steps/{step}/log", stepLogs::page);
              routes.get("/api/v1/runs/{ref}/steps/{step}/log/raw", stepLogs::raw);
              RunReportHandler reports =
                  new RunReportHandler(
                      store, runSettings.clock(), runSettings.maxLogCharsPerStep(), limits);
              routes.post(AgentProtocol.REPORT, reports::report);
              routes.get("/api/v1/watch", new WatchHandler(store, watches)::watch);
              // Before the routes by {ref}: every POST under run/ is a trigger, never a rotation.
              routes.post(WebhookHandler.TRIGGER_PATH + "{key}", webhooks::trigger);
              routes.post("/api/v1/webhooks/{ref}/rotate-key", webhooks::rotateKey);
              routes.get("/api/v1/webhooks/{ref}/deliveries", webhooks::deliveries);
              routes.get("/api/v1/webhooks/{ref}/deliveries/{id}", webhooks::delivery);
              routes.post("/api/v1/webhooks/{ref}/deliveries/{id}/redeliver", webhooks::redeliver);
              CreateHandler create = new CreateHandler(store, limits);
              routes.post("/api/v1/pipelines", create::pipeline);
              routes.post("/api/v1/github-repos", create::repo);
              routes.post("/api/v1/jobs", create::job);
              routes.post("/api/v1/webhooks", create::webhook);
              GenerationHandler generations = new GenerationHandler(store, runSettings.clock());
              routes.post("/api/v1/generations", generations::create);
              routes.get("/api/v1/generations", generations::list);
              routes.get("/api/v1/generations/{ref}", generations::get);
              routes.patch("/api/v1/generations/{ref}", generations::update);
              routes.delete("/api/v1/generations/{ref}", generations::delete);
              routes.post("/api/v1/generations/{ref}/promote", generations::promote);
              EvolutionHandler evolutions = new EvolutionHandler(store);
              routes.post("/api/v1/evolutions", evolutions::create);
              routes.get("/api/v1/evolutions", evolutions::list);
              routes.get("/api/v1/evolutions/{ref}", evolutions::get);
              routes.patch("/api/v1/evolutions/{ref}", evolutions::update);
              routes.delete("/api/v1/evolutions/{ref}", evolutions::delete);
              ProofRunHandler proofRuns = new ProofRunHandler(store);
              routes.post("/api/v1/pipeline-runs", proofRuns::create);
              routes.get("/api/v1/pipeline-runs", proofRuns::list);
              routes.get("/api/v1/pipeline-runs/{pipeline_id}", proofRuns::get);
              for (ResourceKind kind : ResourceKind.values()) {
                ResourceHandler h = new ResourceHandler(store, kind);
                String base = "/api/v1/" + kind.apiPath();
                routes.get(base, h::list);
                // A webhook read by itself also shows its trigger key; lists never do.
                routes.get(base + "/{ref}", kind == ResourceKind.WEBHOOK ? webhooks::get : h::get);
                routes.delete(base + "/{ref}", h::delete);
                routes.get(base + "/{ref}/events", h::events);
              }
              for (ServerExtension extension : extensions) {
                extension.addRoutes(routes, services);
              }
              routes.exception(
                  ApiException.class,
                  (e, ctx) -> {
                    if (e.retryAfterSeconds() > 0) {
                      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
                    }
                    error(ctx, e.status(), e.getMessage(), e.detail());
                  });
              routes.exception(
                  ConflictException.class, (e, ctx) -> error(ctx, 409, e.getMessage(), null));
              routes.exception(
                  NotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage(), null));
              routes.exception(
                  GoneException.class, (e, ctx) -> error(ctx, 410, e.getMessage(), null));
              routes.exception(
                  RejectedException.class, (e, ctx) -> error(ctx, 422, e.getMessage(), null));
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> error(ctx, e.getStatus(), e.getMessage(), null));
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error; the server log has the cause", null);
                  });
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      watches.close();
      if (tls != null) {
        tls.close();
      }
      throw e;
    }
    return new ApiServer(app, healthDetails, deadThreads, watches, tls);
  }

  /** Jetty's request threads (its default bound), named so that profiles and dumps say whose. */
  private static QueuedThreadPool threadPool() {
    QueuedThreadPool pool = new QueuedThreadPool(200, 8, 60_000);
    pool.setName("gryt-http");
    return pool;
  }

  /**
   * Makes a request that names a team ({@value Teams#HEADER}) act for it; routes about the caller's
   * own account, keys and teams never do.
   */
  private static void actForTeam(Context ctx, Teams teams) {
    String team = ctx.header(Teams.HEADER);
    if (team == null || team.isBlank() || TeamHandler.isAccountRoute(ctx.path())) {
      return;
    }
    if (teams == null) {
      throw ApiException.badRequest("this server has no accounts, so no teams");
    }
    teams.actAs(Principal.of(ctx), team.strip()).attachTo(ctx);
  }

  /** The routes anyone may call: sign-up and the webhook trigger (its key is the credential). */
  private static boolean isPublic(Context ctx) {
    return WebhookHandler.isPublic(ctx)
        || RunReportHandler.isPublic(ctx)
        || ("POST".equals(ctx.method().name()) && AccountHandler.CREATE_PATH.equals(ctx.path()));
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    watches.close();
    app.stop();
    if (tls != null) {
      tls.close();
    }
  }

  private static void error(Context ctx, int status, String message, Object detail) {
    Envelope.reply(ctx, status, Envelope.error(message, detail));
  }

  private static void serverTiming(Context ctx) {
    Long t0 = ctx.attribute(STARTED_AT);
    if (t0 != null) {
      // Tenths of a millisecond by integer arithmetic: String.format cost more than a cached read.
      long tenths = (System.nanoTime() - t0) / 100_000;
      ctx.header("Server-Timing", "app;dur=" + tenths / 10 + "." + tenths % 10);
    }
  }

  private static void health(
      Context ctx,
      ResourceStore store,
      WatchHub watches,
      Supplier<Map<String, ?>> details,
      Supplier<List<String>> deadThreads) {
    List<String> dead = deadThreads.get();
    if (!dead.isEmpty()) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("status", "unhealthy");
      detail.put("dead_threads", dead);
      Envelope.reply(
          ctx,
          503,
          Envelope.error(
              "threads that must live have died: " + String.join(", ", dead) + "; restart",
              detail));
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("status", "ok");
    try {
      data.put("resource_version", store.resourceVersion());
    } catch (RuntimeException e) {
      // Liveness does not hang on the store: a database outage is /readyz's to report, and
      // restarting every server for it would not bring the database back.
      data.put("store", "unreachable");
    }
    data.put("long_polls", watches.open());
    data.putAll(details.get());
    Envelope.reply(ctx, 200, Envelope.success("ok", data));
  }

  /**
   * {@code GET /readyz}, public as {@code /healthz}: 200 while the store answers (a standby replica
   * too: it serves the API), 503 while it does not. The cause is not said to an anonymous caller
   * (the store's errors name hosts); the store logs it.
   */
  private static void ready(Context ctx, ResourceStore store) {
    try {
      long version = store.resourceVersion();
      Envelope.reply(
          ctx,
          200,
          Envelope.success("ready", Map.of("status", "ready", "resource_version", version)));
    } catch (RuntimeException e) {
      Envelope.reply(
          ctx,
          503,
          Envelope.error("not ready: the store does not answer", Map.of("status", "not ready")));
    }
  }
}
