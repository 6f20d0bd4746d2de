package dev.gryt.store.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ObjectSize;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.AccountStore;
import dev.gryt.store.AlreadyExistsException;
import dev.gryt.store.ConflictException;
import dev.gryt.store.LeaderLock;
import dev.gryt.store.Mutation;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ObjectRules;
import dev.gryt.store.RejectedException;
import dev.gryt.store.ReleaseStore;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.RunLogStore;
import dev.gryt.store.RunPage;
import dev.gryt.store.RunQuery;
import dev.gryt.store.SealedFields;
import dev.gryt.store.SqlResourceStore;
import dev.gryt.store.SqlSideTables;
import dev.gryt.store.StoreException;
import dev.gryt.store.TriggerStore;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResourceStore} whose resources are the {@code gryt.io/v1} custom resources of a
 * Kubernetes cluster (what kubectl and the operator see), and whose other tables (webhook keys and
 * deliveries, run logs, accounts and API keys, generations and evolutions) live in a SQL database
 * beside it, normally the PostgreSQL of the Helm chart.
 *
 * <p>What it keeps of the {@link ResourceStore} rules, and what Kubernetes makes it do instead:
 *
 * <ul>
 *   <li><b>Versions.</b> {@code metadata.resourceVersion} is the API server's, opaque, and an
 *       update or delete sends it back: a stale one is refused ({@link ConflictException}), by this
 *       store before it writes and by Kubernetes' own optimistic concurrency when two writers race.
 *       The {@code long} versions ({@link #resourceVersion()}, {@link
 *       WatchEvent#resourceVersion()}, {@link #events}, {@link #watch}) are positions in this
 *       process's {@link EventLog}: strictly increasing, equal to the cluster's versions where
 *       those are numbers that arrive in order (always so on one kind), but not consecutive (the
 *       cluster's other writes, Leases and Events, take versions too) and not the same in two API
 *       server replicas.
 *   <li><b>Event log.</b> It holds what this process saw since it opened: its own writes and,
 *       through one fabric8 watch per kind (and served namespace, {@link ClusterWatches}), everyone
 *       else's. A version from before the store opened, or older than {@code eventRetention}
 *       events, is {@link dev.gryt.store.GoneException gone} and the reader lists again, as the
 *       API's 410 already tells clients to; after a restart every resuming reader lists once.
 *   <li><b>Server-side fields.</b> uid, creationTimestamp and generation are the API server's: the
 *       clock given to {@link dev.gryt.store.StoreFactory} stamps nothing here. This store writes
 *       the typed id label and, on update, the generation Kubernetes would give (one more only when
 *       the spec changed) so that the mock server agrees with a real one.
 *   <li><b>{@link #commit}</b> checks first, then writes one object after the other and undoes them
 *       when one fails ({@link KubernetesCommit}): Kubernetes has no transaction over several
 *       objects.
 *   <li><b>Deliveries and run reports</b> ({@link KubernetesTriggerStore}, {@link
 *       KubernetesRunLogStore}) write the cluster and the SQL tables one after the other, not in
 *       one transaction. A Webhook's key and deliveries, a JobRun's logs, are forgotten when the
 *       delete goes through this store or its watch sees one.
 *   <li><b>Leader lock.</b> The SQL database's (PostgreSQL advisory lock): it goes at once with a
 *       dead holder's session, which a Kubernetes Lease could not promise.
 * </ul>
 *
 * <p>With namespaces given, the store watches those only (what Roles in them allow) and refuses
 * resources in others (a {@link RejectedException}, HTTP 422); without any it watches every
 * namespace (a ClusterRole). A gryt namespace is the Kubernetes namespace of the same name, which
 * must exist: resources applied without one go to {@code default}.
 */
public final class KubernetesResourceStore implements ResourceStore {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesResourceStore.class);

  private final KubernetesClient client;
  private final boolean ownsClient;

  /** The namespaces served; empty for all. */
  private final List<String> namespaces;

  private final SqlResourceStore sql;
  private final SqlSideTables side;
  private final KubernetesTriggerStore triggers;
  private final KubernetesRunLogStore runLogs;
  private final SealedFields sealed;
  private final EventLog log;
  private final ClusterWatches watches;
  private volatile boolean closed;

  private KubernetesResourceStore(
      KubernetesClient client,
      boolean ownsClient,
      List<String> namespaces,
      SqlResourceStore sql,
      long eventRetention) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.namespaces = List.copyOf(namespaces);
    this.sql = sql;
    this.side = sql.sideTables();
    this.triggers = new KubernetesTriggerStore(this, side);
    this.runLogs = new KubernetesRunLogStore(this, side);
    this.sealed = sql.sealedFields();
    this.watches = new ClusterWatches(client, this.namespaces);
    this.log = new EventLog(watches.list(), eventRetention, sealed::open);
    watches.start(log, this::observed);
  }

  /**
   * Opens a store on {@code client}'s cluster.
   *
   * @param namespaces the namespaces to serve; empty for all
   * @param sql where everything but the resources lives; closed with this store
   * @param ownsClient whether closing the store closes the client
   * @throws StoreException when the cluster cannot be listed (unreachable, no CRDs, no rights)
   */
  public static KubernetesResourceStore open(
      KubernetesClient client,
      List<String> namespaces,
      SqlResourceStore sql,
      long eventRetention,
      boolean ownsClient) {
    try {
      return new KubernetesResourceStore(client, ownsClient, namespaces, sql, eventRetention);
    } catch (RuntimeException e) {
      sql.close();
      if (ownsClient) {
        client.close();
      }
      throw e;
    }
  }

  private void observed(WatchEvent.Type type, GrytResource<?, ?> resource) {
    log.record(type, resource);
    if (type == WatchEvent.Type.DELETED) {
      forgetWhatBelongsTo(resource);
    }
  }

  /** A Webhook's key and deliveries and a JobRun's logs go with it, whoever deleted it. */
  private void forgetWhatBelongsTo(GrytResource<?, ?> deleted) {
    ObjectMeta meta = deleted.getMetadata();
    if (closed) {
      return;
    }
    if (deleted.kind() == ResourceKind.WEBHOOK) {
      side.forgetWebhook(meta.getNamespace(), meta.getName());
    } else if (deleted.kind() == ResourceKind.JOB_RUN) {
      side.forgetRunLogs(meta.getNamespace(), meta.getName());
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    return stored(type, namespace, name).map(sealed::open);
  }

  /** Whether the cluster holds the object (in a namespace already checked). */
  boolean exists(ResourceKind kind, String namespace, String name) {
    return stored(kind.type(), namespace, name).isPresent();
  }

  /** The object as the cluster stores it, its secret field sealed. */
  private <R extends GrytResource<?, ?>> Optional<R> stored(
      Class<R> type, String namespace, String name) {
    String ns = namespaceOf(namespace);
    try {
      return Optional.ofNullable(client.resources(type).inNamespace(ns).withName(name).get());
    } catch (KubernetesClientException e) {
      throw failure("read " + ResourceKind.of(type).kind() + " " + ns + "/" + name, e);
    }
  }

  @Override
  public Optional<GrytResource<?, ?>> getById(String id) {
    Optional<ResourceKind> kind = ResourceKind.fromId(id);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    List<? extends GrytResource<?, ?>> found =
        list(kind.get().type(), null, Map.of(GrytResource.ID_LABEL, id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(
      Class<R> type, String namespace, Map<String, String> labelSelector) {
    var all = client.resources(type);
    List<String> in = namespace != null ? List.of(namespaceOf(namespace)) : namespaces;
    try {
      List<R> items = new ArrayList<>();
      for (var scope :
          in.isEmpty()
              ? List.of(all.inAnyNamespace())
              : in.stream().map(all::inNamespace).toList()) {
        KubernetesResourceList<R> listed =
            labelSelector == null || labelSelector.isEmpty()
                ? scope.list()
                : scope.withLabels(labelSelector).list();
        listed.getItems().forEach(item -> items.add(sealed.open(item)));
      }
      items.sort(
          Comparator.comparing((R r) -> r.getMetadata().getNamespace())
              .thenComparing(r -> r.getMetadata().getName()));
      return items;
    } catch (KubernetesClientException e) {
      throw failure("list " + ResourceKind.of(type).plural(), e);
    }
  }

  /**
   * The served namespaces' JobRuns listed whole, then filtered, sorted and paged in memory ({@link
   * RunQuery#select}): the API server can select by label only, and a run carries no label of its
   * Job, phase or branch (names can be longer than a label value, and the phase changes with every
   * status). A cluster's runs are reaped by its Jobs' history limits, which keeps this list short.
   */
  @Override
  public RunPage runs(RunQuery query) {
    return query.select(list(JobRun.class, null, Map.of()));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public <R extends GrytResource<?, ?>> R create(R resource) {
    R created = doCreate(resource, null);
    log.record(WatchEvent.Type.ADDED, created);
    return sealed.open(created);
  }

  /** Creates {@code resource}, with {@code id} as its id label (null: a new one). */
  private <R extends GrytResource<?, ?>> R doCreate(R resource, String id) {
    requireSize(resource);
    R body = ResourceCodec.copy(resource);
    ObjectMeta meta = body.getMetadata() == null ? new ObjectMeta() : body.getMetadata();
    body.setMetadata(meta);
    String ns = namespaceOf(meta.getNamespace());
    String name = requireName(meta.getName());
    meta.setNamespace(ns);
    meta.setUid(null);
    meta.setResourceVersion(null);
    meta.setGeneration(null);
    meta.setCreationTimestamp(null);
    meta.setLabels(
        new HashMap<>(
            ObjectRules.labels(
                meta.getLabels(), id != null ? id : ObjectRules.newId(body.kind().idPrefix()))));
    setStatus(body, null);
    sealed.seal(body, null);
    String what = body.kind().kind() + " " + ns + "/" + name;
    try {
      return client.resource(body).inNamespace(ns).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new AlreadyExistsException(what + " already exists");
      }
      throw failure("create " + what, e);
    }
  }

  @Override
  public <R extends GrytResource<?, ?>> R update(R resource) {
    R stored = requireCurrent(resource);
    R next = ResourceCodec.copy(stored);
    setSpec(next, ResourceCodec.copy(resource).getSpec());
    // An unchanged secret keeps its sealed form, so the specs compare equal.
    sealed.seal(next, stored);
    boolean specChanged =
        ObjectRules.specChanged(
            ResourceCodec.toTree(stored).get("spec"), ResourceCodec.toTree(next).get("spec"));
    next.getMetadata()
        .setLabels(
            new HashMap<>(ObjectRules.labels(resource.getMetadata().getLabels(), stored.id())));
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    next.getMetadata()
        .setAnnotations(annotations == null ? new HashMap<>() : new HashMap<>(annotations));
    // What a real API server does by itself; the mock server needs to be told.
    next.getMetadata()
        .setGeneration(
            ObjectRules.nextGeneration(stored.getMetadata().getGeneration(), specChanged));
    R updated = write(next, false);
    recordModified(stored, updated);
    return sealed.open(updated);
  }

  @Override
  public <R extends GrytResource<?, ?>> R updateStatus(R resource) {
    R stored = requireCurrent(resource);
    R next = ResourceCodec.copy(stored);
    setStatus(next, ResourceCodec.copy(resource).getStatus());
    R updated = write(next, true);
    recordModified(stored, updated);
    return sealed.open(updated);
  }

  /** Logs an update, unless Kubernetes found nothing to change and so wrote nothing. */
  private void recordModified(GrytResource<?, ?> before, GrytResource<?, ?> after) {
    String was = before.getMetadata().getResourceVersion();
    if (!was.equals(after.getMetadata().getResourceVersion())) {
      log.record(WatchEvent.Type.MODIFIED, after);
    }
  }

  /** The stored object, when {@code given} carries its resourceVersion. */
  <R extends GrytResource<?, ?>> R requireCurrent(R given) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) given.getClass();
    ObjectMeta meta = given.getMetadata();
    String ns = namespaceOf(meta == null ? null : meta.getNamespace());
    String name = requireName(meta == null ? null : meta.getName());
    R stored =
        stored(type, ns, name)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        given.kind().kind() + " " + ns + "/" + name + " not found"));
    requireVersion(stored, meta.getResourceVersion());
    return stored;
  }

  static void requireVersion(GrytResource<?, ?> stored, String given) {
    ObjectRules.requireVersion(keyOf(stored), stored.getMetadata().getResourceVersion(), given);
  }

  private <R extends GrytResource<?, ?>> R write(R next, boolean status) {
    requireSize(next);
    var resource = client.resource(next).inNamespace(next.getMetadata().getNamespace());
    try {
      return status ? resource.updateStatus() : resource.update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ConflictException(
            keyOf(next)
                + " was modified: resourceVersion "
                + next.getMetadata().getResourceVersion()
                + " is no longer current; read it again and retry");
      }
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new NotFoundException(keyOf(next) + " not found");
      }
      throw failure((status ? "write the status of " : "update ") + keyOf(next), e);
    }
  }

  @Override
  public void delete(
      ResourceKind kind, String namespace, String name, String expectedResourceVersion) {
    deleteAndLog(kind, namespace, name, expectedResourceVersion);
  }

  /** Deletes and returns the object as it was last stored. */
  private GrytResource<?, ?> doDelete(
      ResourceKind kind, String namespace, String name, String expectedResourceVersion) {
    String ns = namespaceOf(namespace);
    GrytResource<?, ?> stored =
        stored(kind.type(), ns, name)
            .orElseThrow(
                () -> new NotFoundException(kind.kind() + " " + ns + "/" + name + " not found"));
    if (expectedResourceVersion != null) {
      requireVersion(stored, expectedResourceVersion);
    }
    Resource<? extends GrytResource<?, ?>> one =
        client.resources(kind.type()).inNamespace(ns).withName(name);
    try {
      // The precondition makes Kubernetes refuse the delete if the object moved since the read.
      var deleted =
          expectedResourceVersion == null
              ? one.delete()
              : one.lockResourceVersion(expectedResourceVersion).delete();
      if (deleted.isEmpty()) {
        throw new NotFoundException(kind.kind() + " " + ns + "/" + name + " not found");
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ConflictException(
            keyOf(stored) + " was modified while being deleted; read it again and retry");
      }
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new NotFoundException(kind.kind() + " " + ns + "/" + name + " not found");
      }
      throw failure("delete " + keyOf(stored), e);
    }
    return stored;
  }

  // ---------------------------------------------------------------- commit

  @Override
  public List<GrytResource<?, ?>> commit(List<Mutation> mutations) {
    return new KubernetesCommit(this, sealed).run(mutations);
  }

  /** Deletes, logs the deletion and forgets what belonged to the object; returns it as it was. */
  GrytResource<?, ?> deleteAndLog(
      ResourceKind kind, String namespace, String name, String expectedResourceVersion) {
    GrytResource<?, ?> deleted = doDelete(kind, namespace, name, expectedResourceVersion);
    log.record(WatchEvent.Type.DELETED, deleted);
    forgetWhatBelongsTo(deleted);
    return deleted;
  }

  /**
   * Creates a deleted object again, with its id label, spec and status (Kubernetes gives a uid).
   */
  void recreate(GrytResource<?, ?> deleted) {
    GrytResource<?, ?> created = doCreate(sealed.open(ResourceCodec.copy(deleted)), deleted.id());
    log.record(WatchEvent.Type.ADDED, created);
    if (deleted.getStatus() != null) {
      GrytResource<?, ?> withStatus = ResourceCodec.copy(created);
      setStatus(withStatus, ResourceCodec.copy(deleted).getStatus());
      updateStatus(withStatus);
    }
  }

  // ---------------------------------------------------------------- events, the rest

  @Override
  public List<WatchEvent> history(ResourceKind kind, String namespace, String name, int limit) {
    return log.history(kind, namespaceOf(namespace), name, limit);
  }

  @Override
  public TriggerStore triggers() {
    return triggers;
  }

  @Override
  public RunLogStore runLogs() {
    return runLogs;
  }

  @Override
  public AccountStore accounts() {
    return sql.accounts();
  }

  @Override
  public ReleaseStore releases() {
    return sql.releases();
  }

  @Override
  public long resourceVersion() {
    return log.position();
  }

  @Override
  public List<WatchEvent> events(long afterResourceVersion, int limit) {
    return log.after(afterResourceVersion, limit);
  }

  @Override
  public Watch watch(long afterResourceVersion, Consumer<WatchEvent> listener) {
    return log.watch(afterResourceVersion, listener);
  }

  @Override
  public LeaderLock leaderLock(String name) {
    return sql.leaderLock(name);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watches.close();
    log.closeAll();
    sql.close();
    if (ownsClient) {
      client.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The namespace a resource without one goes to; refused when this store does not serve it. */
  String namespaceOf(String given) {
    String ns = given == null || given.isBlank() ? DEFAULT_NAMESPACE : given;
    if (!namespaces.isEmpty() && !namespaces.contains(ns)) {
      throw new RejectedException(
          "namespace "
              + ns
              + " is not served here: this server keeps resources in namespace(s) "
              + String.join(", ", namespaces)
              + " only");
    }
    return ns;
  }

  /** Refuses an object over the size limit before Kubernetes (or the event log) sees it. */
  static void requireSize(GrytResource<?, ?> resource) {
    ObjectSize.problem(resource)
        .ifPresent(
            tooLarge -> {
              throw new RejectedException(tooLarge);
            });
  }

  static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new RejectedException("a resource needs metadata.name");
    }
    return name;
  }

  private static String keyOf(GrytResource<?, ?> resource) {
    return resource.kind().kind()
        + " "
        + resource.getMetadata().getNamespace()
        + "/"
        + resource.getMetadata().getName();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setSpec(GrytResource resource, Object spec) {
    resource.setSpec(spec);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setStatus(GrytResource resource, Object status) {
    resource.setStatus(status);
  }

  /** A one-line StoreException for what the API server answered (or why it could not be asked). */
  static StoreException failure(String action, KubernetesClientException e) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    message = message.lines().findFirst().orElse(message);
    if (e.getCode() == 422 || e.getCode() == HttpURLConnection.HTTP_BAD_REQUEST) {
      return new RejectedException("Kubernetes refused to " + action + ": " + message, e);
    }
    return new StoreException("could not " + action + " in Kubernetes: " + message, e);
  }
}
