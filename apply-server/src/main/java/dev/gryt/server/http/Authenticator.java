package dev.gryt.server.http;

import io.javalin.http.Context;

/**
 * Decides who a request comes from, or refuses it by throwing {@link ApiException} (401). Runs
 * before every route except the public ones ({@code /healthz}). Accounts, HTTP Basic and HMAC
 * signing plug in here.
 */
@FunctionalInterface
public interface Authenticator {
  /** Lets every request through; only for a server bound to the loopback interface. */
  Authenticator LOOPBACK_ONLY = Principal.ADMIN::attachTo;

  /** Attaches the caller's {@link Principal} to {@code ctx}, or throws (401). */
  void authenticate(Context ctx);
}
