package dev.gryt.server;

import io.javalin.config.RoutesConfig;

/**
 * Routes another module adds to the API server's Javalin instance (same port, same process): the
 * dashboard's pages. An extension's routes outside {@code /api/} are not authenticated by the API
 * server (the extension does its own); those under {@code /api/} are, with Basic or HMAC only, as
 * every API route is.
 */
@FunctionalInterface
public interface ServerExtension {
  /** Adds the extension's routes, using {@code services} for everything it reads or changes. */
  void addRoutes(RoutesConfig routes, ApiServices services);
}
