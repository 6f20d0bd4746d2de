package dev.gryt.server.auth;

import dev.gryt.server.ApiException;
import dev.gryt.server.ApiServer;
import dev.gryt.server.Envelope;
import dev.gryt.server.JsonBody;
import dev.gryt.server.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.ApiKey;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/accounts/...} and {@code /api/v1/api-keys}: sign-up (public), change of password,
 * who am I, and API keys whose secret is shown once, at creation.
 */
public final class AccountHandler {
  public static final String CREATE_PATH = "/api/v1/accounts/create";

  private final Accounts accounts;
  private final AccountAuthenticator authenticator;

  public AccountHandler(Accounts accounts, AccountAuthenticator authenticator) {
    this.accounts = accounts;
    this.authenticator = authenticator;
  }

  /** {@code POST /api/v1/accounts/create {username, password}}: no credentials needed. */
  public void create(Context ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.string("username", true);
    String password = body.string("password", true);
    body.check("account");
    Account account = accounts.create(username, password);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account_id", account.id());
    data.put("username", account.username());
    data.put("created_at", account.createdAt().toString());
    ApiServer.reply(ctx, 201, Envelope.success("account " + username + " created", data));
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
    ApiServer.reply(ctx, 200, Envelope.success("password changed", Map.of()));
  }

  /** {@code GET /api/v1/accounts/me}. */
  public void me(Context ctx) {
    Principal caller = Principal.of(ctx);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account_id", caller.accountId());
    data.put("username", caller.username());
    ApiServer.reply(ctx, 200, Envelope.success("you are " + caller.username(), data));
  }

  /** {@code POST /api/v1/api-keys {name, expires_in_days?}}: the secret is in this reply only. */
  public void createKey(Context ctx) {
    Principal caller = Principal.of(ctx);
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    Integer days = body.integer("expires_in_days");
    body.check("API key");
    Accounts.IssuedKey issued = accounts.createKey(caller.accountId(), name, days);
    Map<String, Object> data = view(issued.key(), Instant.now());
    data.put("secret", issued.secret());
    ApiServer.reply(
        ctx,
        201,
        Envelope.success(
            "API key " + issued.key().keyId() + " created; its secret is shown this once", data));
  }

  /** {@code GET /api/v1/api-keys}: the caller's keys, never a secret. */
  public void listKeys(Context ctx) {
    Principal caller = Principal.of(ctx);
    Instant now = Instant.now();
    List<Map<String, Object>> items =
        accounts.keys(caller.accountId()).stream().map(k -> view(k, now)).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", items.size());
    ApiServer.reply(ctx, 200, Envelope.success(items.size() + " API key(s)", data));
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
    ApiServer.reply(ctx, 200, Envelope.success("API key " + keyId + " revoked", data));
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
