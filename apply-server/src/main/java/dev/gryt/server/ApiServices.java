package dev.gryt.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.auth.AccountAuthenticator;
import dev.gryt.server.auth.Accounts;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.server.auth.Teams;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the JSON handlers use, for code in other modules that serves the same data another way (the
 * dashboard's pages): a caller's view of the store, runs, events, accounts and teams, and waiting
 * for a run to change. One path to the store, so both answer the same and check the same.
 */
public final class ApiServices {
  private final ResourceStore store;
  private final ServerSecurity security;
  private final RunService runs;
  private final WatchHub watches;
  private final Clock clock;
  private final WebhookHandler webhooks;

  ApiServices(
      ResourceStore store,
      ServerSecurity security,
      RunService runs,
      WatchHub watches,
      Clock clock,
      WebhookHandler webhooks) {
    this.store = store;
    this.security = security;
    this.runs = runs;
    this.watches = watches;
    this.clock = clock;
    this.webhooks = webhooks;
  }

  /**
   * Replays delivery {@code deliveryId} of {@code webhook} (as {@code caller} sees it) as a new
   * delivery, as {@code POST .../deliveries/{id}/redeliver} does; the run names {@code caller}.
   *
   * @throws ApiException 404 for no such delivery, 409 for one whose payload was not kept
   */
  public dev.gryt.store.Delivery redeliver(
      Principal caller, dev.gryt.crds.Webhook webhook, String deliveryId) {
    return webhooks
        .redeliver(webhook, deliveryId, dev.gryt.crds.RunOrigin.account(caller.username(), null))
        .delivery();
  }

  /** {@code caller}'s view of the store: another tenant's objects are not found. */
  public ResourceStore viewOf(Principal caller) {
    return TenantStore.of(store, caller);
  }

  /** The store itself, for what is not a tenant's object (sessions). */
  public ResourceStore store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }

  public RunService runs() {
    return runs;
  }

  /** A resource as the API shows it: its manifest form plus its id, secrets out. */
  public ObjectNode view(GrytResource<?, ?> resource) {
    return ResourceView.of(resource);
  }

  /** An object's recent events as {@code gryt cloud describe} shows them, newest first. */
  public List<Map<String, Object>> events(Principal caller, GrytResource<?, ?> resource) {
    return ResourceHandler.recentEvents(viewOf(caller), resource);
  }

  /**
   * Checks a username and password as HTTP Basic does, under the same login throttle.
   *
   * @throws ApiException 401 wrong, 403 disabled, 429 throttled, 404 when the server has no
   *     accounts
   */
  public Principal login(Context ctx, String username, String password) {
    if (!(security.authenticator() instanceof AccountAuthenticator authenticator)) {
      throw ApiException.notFound("this server has no accounts to sign in with");
    }
    return authenticator.login(ctx, username, password);
  }

  /**
   * Whether the request came over TLS: directly, or through a proxy the server trusts ({@code
   * --trusted-proxy}) that says so in {@code X-Forwarded-Proto}.
   */
  public boolean overTls(Context ctx) {
    return security.authenticator() instanceof AccountAuthenticator authenticator
        ? authenticator.overTls(ctx)
        : "https".equalsIgnoreCase(ctx.scheme());
  }

  /** The principal of an enabled account; empty when it is gone or disabled. */
  public Optional<Principal> account(String accountId) {
    Accounts accounts = security.accounts();
    if (accounts == null) {
      return Optional.empty();
    }
    return accounts.byId(accountId).filter(a -> !a.disabled()).map(Accounts::principalOf);
  }

  /** The account with that username, if any. */
  public Optional<Account> accountByUsername(String username) {
    return security.accounts() == null
        ? Optional.empty()
        : security.accounts().byUsername(username);
  }

  /** Teams; null when the server has no accounts. */
  public Teams teams() {
    return security.teams();
  }

  /**
   * Completes when {@code run} (as {@code caller} sees it) changes after the store's position
   * {@code afterVersion}, or with nothing after {@code timeout}; null when so much happened since
   * that the position is forgotten (read again at once).
   */
  public CompletableFuture<?> runChanged(
      Principal caller, JobRun run, long afterVersion, Duration timeout) {
    return watches.next(
        afterVersion,
        WatchFilter.object(
            caller,
            ResourceKind.JOB_RUN,
            run.getMetadata().getNamespace(),
            run.getMetadata().getName()),
        1,
        timeout,
        caller.username());
  }
}
