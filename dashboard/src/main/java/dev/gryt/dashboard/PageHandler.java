package dev.gryt.dashboard;

import io.javalin.http.Context;

/** A dashboard page or action, for a signed-in person. */
@FunctionalInterface
interface PageHandler {
  void handle(Context ctx, SignedIn signedIn) throws Exception;
}
