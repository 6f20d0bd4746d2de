package dev.gryt.server;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Tenancy;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.ResourceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The per-tenant {@link Quotas} and the admin's disabling of an account, checked where a tenant's
 * work enters: a run's start or trigger, an apply or create, an agent's log. The admin's own
 * namespaces pass unchecked.
 *
 * <p>Counts are taken from the store at the moment of the check; starts of one tenant are
 * serialized within this process, so concurrent triggers cannot pass the run quota together here
 * (servers sharing a database may each let one more through).
 */
public final class TenantLimits {
  private static final Duration DISABLED_TTL = Duration.ofSeconds(5);

  private final ResourceStore store;
  private final Quotas quotas;
  private final Clock clock;
  private final Map<String, Object> startLocks = new ConcurrentHashMap<>();
  private volatile Set<String> disabledPrefixes;
  private volatile Instant disabledReadAt = Instant.MIN;

  public TenantLimits(ResourceStore store, Quotas quotas, Clock clock) {
    this.store = store;
    this.quotas = quotas;
    this.clock = clock;
  }

  public Quotas quotas() {
    return quotas;
  }

  /**
   * The tenant prefix of a stored namespace ({@code t1a2b3c4d-}), as {@link
   * Principal#namespacePrefix} has it; {@code ""} for the admin's own namespaces.
   */
  static String tenantOf(String storedNamespace) {
    return Tenancy.isAdminNamespace(storedNamespace)
        ? ""
        : storedNamespace.substring(0, storedNamespace.indexOf('-') + 1);
  }

  /**
   * Starts a run of {@code tenant} (a namespace prefix; {@code ""}, the admin, is not limited)
   * through {@code start}, unless the tenant is disabled (403) or already has {@link Quotas#runs}
   * unfinished runs (429).
   */
  <T> T startRun(String tenant, Supplier<T> start) {
    if (tenant.isEmpty()) {
      return start.get();
    }
    refuseIfDisabled(tenant);
    synchronized (startLocks.computeIfAbsent(tenant, t -> new Object())) {
      long active =
          store.list(JobRun.class, null, Map.of()).stream()
              .filter(r -> r.getMetadata().getNamespace().startsWith(tenant))
              .filter(r -> r.getStatus() == null || !JobRunPhase.terminal(r.getStatus().phase))
              .count();
      if (active >= quotas.runs()) {
        throw ApiException.tooMany(
            "quota: at most "
                + quotas.runs()
                + " unfinished runs per account (--quota-runs); wait for one to finish",
            30);
      }
      return start.get();
    }
  }

  /**
   * Refuses (403) a change that would leave {@code tenant} (a namespace prefix; {@code ""}, the
   * admin, is not limited) more than {@link Quotas#objects} stored objects.
   *
   * @param added objects the change creates, minus those it deletes
   */
  void checkObjects(String tenant, int added) {
    if (tenant.isEmpty() || added <= 0) {
      return;
    }
    long stored = 0;
    for (ResourceKind kind : ResourceKind.values()) {
      if (kind.type() != JobRun.class) {
        stored +=
            store.list(kind.type(), null, Map.of()).stream()
                .map(r -> ((GrytResource<?, ?>) r).getMetadata().getNamespace())
                .filter(ns -> ns.startsWith(tenant))
                .count();
      }
    }
    if (stored + added > quotas.objects()) {
      throw ApiException.forbidden(
          "quota: at most "
              + quotas.objects()
              + " stored objects per account (--quota-objects); it has "
              + stored
              + " and this adds "
              + added
              + ": delete some first");
    }
  }

  /** How many characters of log a run in {@code storedNamespace} keeps. */
  long logCharsPerRun(String storedNamespace) {
    return tenantOf(storedNamespace).isEmpty() ? Long.MAX_VALUE : quotas.logCharsPerRun();
  }

  /** Refuses (403) work of a disabled account. */
  void refuseIfDisabled(String tenant) {
    if (disabled().contains(tenant)) {
      throw ApiException.forbidden("the account that owns this is disabled by the server's admin");
    }
  }

  /** Forgets what it knew of disabled accounts: one was just disabled. */
  public void accountsChanged() {
    disabledReadAt = Instant.MIN;
  }

  private Set<String> disabled() {
    Instant now = clock.instant();
    Set<String> known = disabledPrefixes;
    if (known == null || disabledReadAt.plus(DISABLED_TTL).isBefore(now)) {
      known =
          store.accounts().listAccounts().stream()
              .filter(Account::disabled)
              .map(Account::tenantPrefix)
              .collect(Collectors.toUnmodifiableSet());
      disabledPrefixes = known;
      disabledReadAt = now;
    }
    return known;
  }
}
