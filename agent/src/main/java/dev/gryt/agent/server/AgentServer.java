package dev.gryt.agent.server;

import dev.gryt.agent.run.RunExecutor;
import dev.gryt.crds.agent.AgentProtocol;
import dev.gryt.tls.PemTls;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API: {@code GET /health}, {@code POST /runs}, {@code POST /runs/{id}/cancel}.
 * With TLS files it accepts only mutual TLS: a client must present a certificate that chains to the
 * CA, or the handshake fails. With an {@link AgentToken} (the in-process agents of {@code gryt
 * server}, plain HTTP on loopback) every request must carry it as a bearer token, or gets 401.
 * Without either (the {@code --insecure} development mode) it speaks plain HTTP to anyone.
 */
public final class AgentServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
  private static final long MAX_REQUEST_BYTES = 1024 * 1024;

  private final Javalin app;
  private final RunExecutor executor;

  private AgentServer(Javalin app, RunExecutor executor) {
    this.app = app;
    this.executor = executor;
  }

  /**
   * Starts the server on {@code host:port} (port 0 picks a free one).
   *
   * @param tls the TLS files; null serves plain HTTP (only for {@code --insecure})
   */
  public static AgentServer start(
      String host, int port, AgentTls tls, RunExecutor executor, String version)
      throws IOException {
    return start(host, port, tls, null, executor, version);
  }

  /**
   * The same, demanding {@code token} of every request when it is not null.
   *
   * @param token the bearer token every request must carry; null for none (mutual TLS, or {@code
   *     --insecure})
   */
  public static AgentServer start(
      String host, int port, AgentTls tls, AgentToken token, RunExecutor executor, String version)
      throws IOException {
    SslContextFactory.Server ssl = tls == null ? null : sslContextFactory(tls);
    RunsHandler runs = new RunsHandler(executor);
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              config.jetty.host = host;
              config.jetty.port = port;
              if (ssl != null) {
                config.jetty.addConnector(
                    (server, httpConfig) -> {
                      HttpConfiguration https = new HttpConfiguration(httpConfig);
                      SecureRequestCustomizer secure = new SecureRequestCustomizer();
                      // clients reach agents by IP as often as by name; the client checks the name
                      secure.setSniHostCheck(false);
                      https.addCustomizer(secure);
                      ServerConnector connector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(ssl, "http/1.1"),
                              new HttpConnectionFactory(https));
                      connector.setHost(host);
                      connector.setPort(port);
                      return connector;
                    });
              }
              var routes = config.routes;
              if (token != null) {
                routes.before(ctx -> requireToken(ctx, token));
              }
              routes.get(AgentProtocol.HEALTH, ctx -> health(ctx, executor, version));
              routes.post(AgentProtocol.RUNS, runs::start);
              routes.post(AgentProtocol.CANCEL, runs::cancel);
              routes.exception(
                  AgentHttpException.class,
                  (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.problems()));
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> error(ctx, e.getStatus(), e.getMessage(), java.util.List.of()));
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(
                        ctx,
                        500,
                        "internal error; the agent log has the cause",
                        java.util.List.of());
                  });
            });
    app.start();
    return new AgentServer(app, executor);
  }

  private static void requireToken(Context ctx, AgentToken token) {
    if (!token.accepts(ctx.header("Authorization"))) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new AgentHttpException(401, "this agent takes requests from its server only");
    }
  }

  private static SslContextFactory.Server sslContextFactory(AgentTls tls) throws IOException {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(PemTls.keyStore(tls.certificate(), tls.key()));
    ssl.setKeyStorePassword(new String(PemTls.PASSWORD));
    ssl.setTrustStore(PemTls.trustStore(tls.ca()));
    ssl.setNeedClientAuth(true);
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return ssl;
  }

  private static void health(Context ctx, RunExecutor executor, String version) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "ok");
    body.put("version", version);
    body.put("runtime", executor.runner().name());
    // placement sends a tenant's run only to an agent that says it isolates
    body.put("isolates", executor.runner().isolates());
    body.put("capacity", executor.capacity());
    body.put("running", executor.running());
    ctx.json(body);
  }

  private static void error(
      Context ctx, int status, String message, java.util.List<String> problems) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    if (!problems.isEmpty()) {
      body.put("problems", problems);
    }
    ctx.status(status).json(body);
  }

  public int port() {
    return app.port();
  }

  /** Stops accepting requests, then cancels and cleans up every run. */
  @Override
  public void close() {
    app.stop();
    executor.close();
  }
}
