package dev.gryt.server;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.Principal;
import dev.gryt.store.AccountStore;
import dev.gryt.store.LeaderLock;
import dev.gryt.store.Mutation;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.RunLogStore;
import dev.gryt.store.RunPage;
import dev.gryt.store.RunQuery;
import dev.gryt.store.TriggerStore;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One account's view of the shared store. The account's namespaces are stored under its tenant
 * prefix ({@code t1a2b3c4d-default}); this view adds the prefix on the way in, takes it off on the
 * way out and hides everything outside it, so that another account's objects are simply not found
 * (404, never 403) and never appear in lists or watches. The reconcilers work on the stored
 * namespaces, so references can never cross from one account to another.
 *
 * <p>The bootstrap admin has the empty prefix: it owns the plain namespaces and sees all of them,
 * as a cluster administrator does.
 */
final class TenantStore implements ResourceStore {
  private final ResourceStore store;
  private final String prefix;

  private TenantStore(ResourceStore store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  /** The view of {@code principal}; the store itself for the admin. */
  static ResourceStore of(ResourceStore store, Principal principal) {
    String prefix = principal.namespacePrefix();
    return prefix.isEmpty() ? store : new TenantStore(store, prefix);
  }

  /** The view of the request's authenticated caller. */
  static ResourceStore of(ResourceStore store, io.javalin.http.Context ctx) {
    return of(store, Principal.of(ctx));
  }

  /**
   * What {@code principal} may see of an event, namespace as it knows it; null when the event is
   * another account's. Watches filter with this rather than through a view, so that a stretch of
   * other accounts' events still moves the caller's position on.
   */
  static WatchEvent visible(Principal principal, WatchEvent event) {
    String prefix = principal.namespacePrefix();
    if (prefix.isEmpty()) {
      return event;
    }
    TenantStore view = new TenantStore(null, prefix);
    // Events are shared by every watcher: each caller gets its own copy to rename.
    return view.owns(event.resource())
        ? new WatchEvent(
            event.resourceVersion(),
            event.type(),
            view.out(dev.gryt.crds.ResourceCodec.copy(event.resource())))
        : null;
  }

  /** The stored namespace of the caller's {@code namespace}. */
  String in(String namespace) {
    return prefix + (namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace);
  }

  /** Whether a stored namespace is the caller's. */
  boolean owns(String storedNamespace) {
    return storedNamespace != null && storedNamespace.startsWith(prefix);
  }

  private boolean owns(GrytResource<?, ?> r) {
    return owns(r.getMetadata().getNamespace());
  }

  /** The caller's name of a namespace it owns. */
  String out(String storedNamespace) {
    return storedNamespace.substring(prefix.length());
  }

  /** {@code r} (the store's object, changed in place) as the caller knows it. */
  <R extends GrytResource<?, ?>> R out(R r) {
    if (r != null) {
      r.getMetadata().setNamespace(out(r.getMetadata().getNamespace()));
    }
    return r;
  }

  /** Runs {@code write} with the resource's namespace prefixed, then restores the caller's. */
  <T> T withStoredNamespace(GrytResource<?, ?> r, Supplier<T> write) {
    String given = r.getMetadata().getNamespace();
    r.getMetadata().setNamespace(in(given));
    try {
      return write.get();
    } finally {
      r.getMetadata().setNamespace(given);
    }
  }

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(Class<R> type, String ns, String name) {
    return store.get(type, in(ns), name).map(this::out);
  }

  @Override
  public Optional<GrytResource<?, ?>> getById(String id) {
    return store.getById(id).filter(this::owns).map(this::out);
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(
      Class<R> type, String namespace, Map<String, String> labelSelector) {
    List<R> stored =
        namespace == null
            ? store.list(type, null, labelSelector).stream().filter(this::owns).toList()
            : store.list(type, in(namespace), labelSelector);
    return stored.stream().map(this::out).toList();
  }

  /**
   * The store's page of runs under this account's prefix: the query's prefix is the account's
   * namespaces' own, so the store's is the tenant prefix in front of it.
   */
  @Override
  public RunPage runs(RunQuery query) {
    RunPage stored = store.runs(query.withNamespacePrefix(prefix + query.namespacePrefix()));
    return new RunPage(stored.runs().stream().map(this::out).toList(), stored.total());
  }

  @Override
  public <R extends GrytResource<?, ?>> R create(R resource) {
    return out(withStoredNamespace(resource, () -> store.create(resource)));
  }

  @Override
  public <R extends GrytResource<?, ?>> R update(R resource) {
    return out(withStoredNamespace(resource, () -> store.update(resource)));
  }

  @Override
  public <R extends GrytResource<?, ?>> R updateStatus(R resource) {
    return out(withStoredNamespace(resource, () -> store.updateStatus(resource)));
  }

  @Override
  public void delete(ResourceKind kind, String namespace, String name, String expectedVersion) {
    store.delete(kind, in(namespace), name, expectedVersion);
  }

  @Override
  public List<GrytResource<?, ?>> commit(List<Mutation> mutations) {
    List<Mutation> stored = mutations.stream().map(this::in).toList();
    List<String> given = mutations.stream().map(TenantStore::namespaceOf).toList();
    try {
      return store.commit(stored).stream().<GrytResource<?, ?>>map(this::out).toList();
    } finally {
      for (int i = 0; i < mutations.size(); i++) {
        GrytResource<?, ?> r = resourceOf(mutations.get(i));
        if (r != null) {
          r.getMetadata().setNamespace(given.get(i));
        }
      }
    }
  }

  private Mutation in(Mutation m) {
    if (m instanceof Mutation.Delete d) {
      return new Mutation.Delete(
          d.kind(), in(d.namespace()), d.name(), d.expectedResourceVersion());
    }
    GrytResource<?, ?> r = resourceOf(m);
    r.getMetadata().setNamespace(in(r.getMetadata().getNamespace()));
    return m;
  }

  private static GrytResource<?, ?> resourceOf(Mutation m) {
    if (m instanceof Mutation.Create c) {
      return c.resource();
    } else if (m instanceof Mutation.Update u) {
      return u.resource();
    } else if (m instanceof Mutation.UpdateStatus s) {
      return s.resource();
    }
    return null;
  }

  private static String namespaceOf(Mutation m) {
    GrytResource<?, ?> r = resourceOf(m);
    return r == null ? null : r.getMetadata().getNamespace();
  }

  @Override
  public TriggerStore triggers() {
    return new TenantTriggerStore(store.triggers(), this);
  }

  @Override
  public RunLogStore runLogs() {
    return new TenantRunLogStore(store.runLogs(), this);
  }

  @Override
  public List<WatchEvent> history(ResourceKind kind, String namespace, String name, int limit) {
    Principal self = new Principal(null, null, prefix);
    return store.history(kind, in(namespace), name, limit).stream()
        .map(e -> visible(self, e))
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  @Override
  public AccountStore accounts() {
    return store.accounts();
  }

  @Override
  public dev.gryt.store.ReleaseStore releases() {
    // Generations and evolutions are scoped by account id, not by namespace.
    return store.releases();
  }

  @Override
  public long resourceVersion() {
    return store.resourceVersion();
  }

  @Override
  public List<WatchEvent> events(long afterResourceVersion, int limit) {
    Principal self = new Principal(null, null, prefix);
    return store.events(afterResourceVersion, limit).stream()
        .map(e -> visible(self, e))
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  @Override
  public Watch watch(long afterResourceVersion, Consumer<WatchEvent> listener) {
    Principal self = new Principal(null, null, prefix);
    return store.watch(
        afterResourceVersion,
        e -> {
          WatchEvent mine = visible(self, e);
          if (mine != null) {
            listener.accept(mine);
          }
        });
  }

  @Override
  public LeaderLock leaderLock(String name) {
    throw new UnsupportedOperationException("leader locks belong to the server, not an account");
  }

  @Override
  public void close() {
    // The shared store outlives every request's view of it.
  }
}
