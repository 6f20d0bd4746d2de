package dev.gryt.server.auth;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.JsonBody;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.ApiKey;
import dev.gryt.store.ConflictException;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code /api/v1/accounts/...} and {@code /api/v1/api-keys}: sign-up (public while {@link
 * AccountSettings#signupOpen}, rate-limited per client address), change of password, who am I, API
 * keys whose secret is shown once, at creation, and the admin's list and disabling of accounts.
 */
public final class AccountHandler {
  public static final String CREATE_PATH = "/api/v1/accounts/create";

  private final Accounts accounts;
  private final AccountAuthenticator authenticator;
  private final ResourceStore store;
  private final AccountSettings settings;
  private final ClientAddress clientAddress;
  private final AttemptWindow signups;
  private final Clock clock;
  private final List<Runnable> onDisabled = new CopyOnWriteArrayList<>();

  /**
   * @param store where a disabled account's unfinished runs are cancelled; null for none
   */
  public AccountHandler(
      Accounts accounts,
      AccountAuthenticator authenticator,
      ResourceStore store,
      AccountSettings settings,
      Clock clock) {
    this.accounts = accounts;
    this.authenticator = authenticator;
    this.store = store;
    this.settings = settings;
    this.clientAddress = new ClientAddress(settings.trustedProxies());
    this.signups = new AttemptWindow(settings.signupsPerAddress(), settings.signupWindow(), clock);
    this.clock = clock;
  }

  /** Runs {@code listener} after each account the admin disables. */
  public void whenDisabled(Runnable listener) {
    onDisabled.add(listener);
  }

  /**
   * {@code POST /api/v1/accounts/create {username, password}}: no credentials needed while sign-up
   * is open (each address may try {@link AccountSettings#signupsPerAddress} times per window, 429
   * past it); once closed, only the admin may create accounts (403 for anyone else).
   */
  public void create(Context ctx) {
    boolean byAdmin = ctx.header("Authorization") != null && callerIsAdmin(ctx);
    if (!byAdmin && !settings.signupOpen()) {
      throw ApiException.forbidden(
          "sign-up is closed on this server (gryt server --signup closed): ask its admin for an"
              + " account");
    }
    List<String> address = byAdmin ? List.of() : List.of(clientAddress.of(ctx));
    // Reserved before the slow hash, so concurrent sign-ups cannot pass the limit together; given
    // back when the input is refused before any hashing (it cost the server nothing).
    Duration wait = signups.reserve(address);
    if (!wait.isZero()) {
      throw ApiException.tooMany(
          "too many sign-ups from this address; try again in "
              + Math.max(1, wait.toSeconds())
              + " s",
          wait.toSeconds());
    }
    Account account;
    try {
      JsonBody body = JsonBody.of(ctx);
      String username = body.string("username", true);
      String password = body.string("password", true);
      body.check("account");
      account = accounts.create(username, password);
    } catch (RuntimeException e) {
      signups.release(address);
      throw e;
    }
    signups.count(address);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account_id", account.id());
    data.put("username", account.username());
    data.put("created_at", account.createdAt().toString());
    Envelope.reply(ctx, 201, Envelope.success("account " + account.username() + " created", data));
  }

  private boolean callerIsAdmin(Context ctx) {
    authenticator.authenticate(ctx);
    return Principal.of(ctx).isAdmin();
  }

  /** {@code GET /api/v1/accounts}: every account (admin only), never a password hash. */
  public void list(Context ctx) {
    requireAdmin(ctx);
    List<Map<String, Object>> items = new ArrayList<>();
    for (Account a : accounts.list()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("account_id", a.id());
      v.put("username", a.username());
      v.put("created_at", a.createdAt().toString());
      v.put("disabled_at", a.disabledAt() == null ? null : a.disabledAt().toString());
      v.put("status", a.disabled() ? "disabled" : "active");
      items.add(v);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " account(s)", data));
  }

  /**
   * {@code POST /api/v1/accounts/{username}/disable} (admin only): its logins and keys are refused
   * from now on (at once on this server, within the caches' 30 s on others), its webhooks start no
   * run and its unfinished runs are cancelled.
   */
  public void disable(Context ctx) {
    requireAdmin(ctx);
    String username = ctx.pathParam("username");
    Account account = accounts.disable(username);
    authenticator.accountDisabled(account);
    onDisabled.forEach(Runnable::run);
    int cancelled = store == null ? 0 : cancelRuns(account.tenantPrefix());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account_id", account.id());
    data.put("username", account.username());
    data.put("status", "disabled");
    data.put("runs_cancelled", cancelled);
    Envelope.reply(ctx, 200, Envelope.success("account " + username + " disabled", data));
  }

  /** Asks every unfinished run in the account's namespaces to stop; how many were asked. */
  private int cancelRuns(String tenantPrefix) {
    int asked = 0;
    for (JobRun run : store.list(JobRun.class, null, Map.of())) {
      if (!run.getMetadata().getNamespace().startsWith(tenantPrefix)
          || (run.getStatus() != null && JobRunPhase.terminal(run.getStatus().phase))
          || Boolean.TRUE.equals(run.getSpec().cancelRequested)) {
        continue;
      }
      run.getSpec().cancelRequested = true;
      try {
        store.update(run);
        asked++;
      } catch (ConflictException | NotFoundException e) {
        // It moved on meanwhile (finished, or deleted); the account's disabling still holds.
      }
    }
    return asked;
  }

  private static void requireAdmin(Context ctx) {
    if (!Principal.of(ctx).isAdmin()) {
      throw ApiException.forbidden("only the server's admin can list or disable accounts");
    }
  }

  /** {@code POST /api/v1/accounts/change-password {current_password, new_password}}. */
  public void changePassword(Context ctx) {
    Principal caller = Principal.of(ctx);
    JsonBody body = JsonBody.of(ctx);
    String current = body.string("current_password", false);
    if (current == null) {
      current = body.string("old_password", true);
    }
    String next = body.string("new_password", true);
    body.check("password change");
    // Proves the password even for a caller signed in with an API key; failures count as logins.
    authenticator.login(ctx, caller.username(), current);
    Account account =
        accounts.byId(caller.accountId()).orElseThrow(() -> ApiException.notFound("no account"));
    accounts.changePassword(account, next);
    authenticator.passwordChanged(caller.username());
    Envelope.reply(ctx, 200, Envelope.success("password changed", Map.of()));
  }

  /** {@code GET /api/v1/accounts/me}. */
  public void me(Context ctx) {
    Principal caller = Principal.of(ctx);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account_id", caller.accountId());
    data.put("username", caller.username());
    Envelope.reply(ctx, 200, Envelope.success("you are " + caller.username(), data));
  }

  /** {@code POST /api/v1/api-keys {name, expires_in_days?}}: the secret is in this reply only. */
  public void createKey(Context ctx) {
    Principal caller = Principal.of(ctx);
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    Integer days = body.integer("expires_in_days");
    body.check("API key");
    Accounts.IssuedKey issued = accounts.createKey(caller.accountId(), name, days);
    Map<String, Object> data = view(issued.key(), clock.instant());
    data.put("secret", issued.secret());
    Envelope.reply(
        ctx,
        201,
        Envelope.success(
            "API key " + issued.key().keyId() + " created; its secret is shown this once", data));
  }

  /** {@code GET /api/v1/api-keys}: the caller's keys, never a secret. */
  public void listKeys(Context ctx) {
    Principal caller = Principal.of(ctx);
    Instant now = clock.instant();
    List<Map<String, Object>> items =
        accounts.keys(caller.accountId()).stream().map(k -> view(k, now)).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " API key(s)", data));
  }

  /** {@code DELETE /api/v1/api-keys/{key_id}}: another account's key is not found. */
  public void revokeKey(Context ctx) {
    Principal caller = Principal.of(ctx);
    String keyId = ctx.pathParam("key_id");
    if (!accounts.revokeKey(caller.accountId(), keyId)) {
      throw ApiException.notFound("API key " + keyId + " not found (or already revoked)");
    }
    authenticator.keyRevoked(keyId);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key_id", keyId);
    data.put("revoked", true);
    Envelope.reply(ctx, 200, Envelope.success("API key " + keyId + " revoked", data));
  }

  private static Map<String, Object> view(ApiKey k, Instant now) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("key_id", k.keyId());
    v.put("name", k.name());
    v.put("created_at", k.createdAt().toString());
    v.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
    v.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
    v.put("status", k.revokedAt() != null ? "revoked" : k.usableAt(now) ? "active" : "expired");
    return v;
  }
}
