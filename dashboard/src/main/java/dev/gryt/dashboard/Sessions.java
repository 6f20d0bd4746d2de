package dev.gryt.dashboard;

import dev.gryt.server.ApiServices;
import dev.gryt.server.auth.Teams;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.SessionStore;
import dev.gryt.store.SessionStore.Session;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Sign-in sessions of the dashboard: a random token in an {@code HttpOnly}, {@code SameSite=Strict}
 * cookie ({@code Secure} over TLS), only its SHA-256 in the store, so a session survives a restart
 * and a copy of the table signs nobody in. The CSRF token of a session is derived from its token by
 * a one-way function: a page can carry it, and nobody without the cookie can compute it.
 */
final class Sessions {
  static final String COOKIE = "gryt_session";

  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  /** The double-submit cookie of the sign-in form, which has no session to derive a token from. */
  static final String SIGN_IN_COOKIE = "gryt_sign_in";

  private final ApiServices services;
  private final SessionStore store;
  private final DashboardSettings settings;
  private final SecureRandom random = new SecureRandom();
  private volatile Instant nextSweep = Instant.MIN;

  Sessions(ApiServices services, DashboardSettings settings) {
    this.services = services;
    this.store = services.store().accounts().sessions();
    this.settings = settings;
  }

  /**
   * The signed-in caller of a request, acting for the session's team if it has one; empty when the
   * request has no live session (none, expired, ended, or its account disabled).
   */
  Optional<SignedIn> of(Context ctx) {
    SignedIn cached = ctx.attribute(SignedIn.ATTRIBUTE);
    if (cached != null) {
      return Optional.of(cached);
    }
    String token = ctx.cookie(COOKIE);
    if (token == null || token.isBlank() || token.length() > 100) {
      return Optional.empty();
    }
    String hash = hash(token);
    Optional<Session> found = store.session(hash);
    Instant now = services.clock().instant();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    if (found.get().expiredAt(now)) {
      store.delete(hash);
      return Optional.empty();
    }
    Optional<Principal> account = services.account(found.get().accountId());
    if (account.isEmpty()) {
      return Optional.empty();
    }
    Principal acting = account.get();
    String team = found.get().team();
    if (team != null && services.teams() != null) {
      try {
        acting = services.teams().actAs(account.get(), team);
      } catch (ApiException e) {
        // Removed from the team since: the session goes on as the account itself.
        store.actFor(hash, null);
        team = null;
      }
    }
    SignedIn signedIn = new SignedIn(account.get(), acting, team, hash, csrfOf(token));
    ctx.attribute(SignedIn.ATTRIBUTE, signedIn);
    return Optional.of(signedIn);
  }

  /** Starts a session for {@code account} and sets its cookie. */
  void start(Context ctx, Principal account) {
    String token = token();
    Instant now = services.clock().instant();
    sweep(now);
    store.create(
        new Session(
            hash(token),
            account.accountId(),
            Session.SESSION,
            null,
            now,
            now.plus(settings.sessionTtl())));
    Cookie cookie = new Cookie(COOKIE, token);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setSecure(secure(ctx));
    cookie.setMaxAge((int) settings.sessionTtl().toSeconds());
    ctx.cookie(cookie);
  }

  /**
   * Deletes expired sessions and unused links, at most once a minute, on a sign-in: a session is
   * also deleted when it is presented after its expiry, but a link nobody opened never is.
   */
  private void sweep(Instant now) {
    if (now.isBefore(nextSweep)) {
      return;
    }
    nextSweep = now.plus(SWEEP_EVERY);
    store.deleteExpired(now);
  }

  /** Ends the request's session and clears its cookie. */
  void end(Context ctx, SignedIn signedIn) {
    store.delete(signedIn.tokenHash());
    clear(ctx, COOKIE);
  }

  /** Makes the session act for {@code team} (a team the account is in), or itself for null. */
  void actFor(SignedIn signedIn, String team) {
    if (team != null) {
      Teams teams = services.teams();
      if (teams == null) {
        throw ApiException.notFound("this server has no teams");
      }
      teams.actAs(signedIn.account(), team);
    }
    store.actFor(signedIn.tokenHash(), team);
  }

  /** A one-time sign-in link's token for {@code accountId}, good for {@code ttl}. */
  String mintLink(String accountId, Duration ttl) {
    String token = token();
    Instant now = services.clock().instant();
    store.create(new Session(hash(token), accountId, Session.LINK, null, now, now.plus(ttl)));
    return token;
  }

  /** The account a one-time link signs in, consuming it; empty when used, expired or unknown. */
  Optional<Principal> useLink(String token) {
    if (token == null || token.length() > 100) {
      return Optional.empty();
    }
    Optional<Session> link = store.consumeLink(hash(token));
    if (link.isEmpty() || link.get().expiredAt(services.clock().instant())) {
      return Optional.empty();
    }
    return services.account(link.get().accountId());
  }

  /** Sets the sign-in form's double-submit cookie and returns its value for the form. */
  String signInFormToken(Context ctx) {
    String value = ctx.cookie(SIGN_IN_COOKIE);
    if (value == null || value.length() != 43) {
      value = token();
      Cookie cookie = new Cookie(SIGN_IN_COOKIE, value);
      cookie.setPath("/sign-in");
      cookie.setHttpOnly(true);
      cookie.setSameSite(SameSite.STRICT);
      cookie.setSecure(secure(ctx));
      cookie.setMaxAge(3600);
      ctx.cookie(cookie);
    }
    return value;
  }

  /** Whether the sign-in form's token matches its cookie. */
  static boolean signInFormTokenMatches(Context ctx, String formValue) {
    String cookie = ctx.cookie(SIGN_IN_COOKIE);
    return cookie != null && formValue != null && constantTimeEquals(cookie, formValue);
  }

  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private void clear(Context ctx, String name) {
    Cookie cookie = new Cookie(name, "");
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setSecure(secure(ctx));
    cookie.setMaxAge(0);
    ctx.cookie(cookie);
  }

  /** Served over TLS: directly, or by a proxy the API server trusts to say so. */
  private boolean secure(Context ctx) {
    return services.overTls(ctx);
  }

  private String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hash(String token) {
    return sha256("session\u0000" + token);
  }

  private static String csrfOf(String token) {
    return sha256("csrf\u0000" + token);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
