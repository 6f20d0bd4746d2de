package dev.gryt.store.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ObjectSize;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.agent.RunReport;
import dev.gryt.store.AccountStore;
import dev.gryt.store.AlreadyExistsException;
import dev.gryt.store.ConflictException;
import dev.gryt.store.Delivery;
import dev.gryt.store.LeaderLock;
import dev.gryt.store.LogChunk;
import dev.gryt.store.Mutation;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.RejectedException;
import dev.gryt.store.ReleaseStore;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.SealedFields;
import dev.gryt.store.SqlResourceStore;
import dev.gryt.store.SqlSideTables;
import dev.gryt.store.StoreException;
import dev.gryt.store.Watch;
import dev.gryt.store.WatchEvent;
import dev.gryt.store.WebhookKey;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 *       through one fabric8 watch per kind (and served namespace), everyone else's. A version from
 *       before the store opened, or older than {@code eventRetention} events, is {@link
 *       dev.gryt.store.GoneException gone} and the reader lists again, as the API's 410 already
 *       tells clients to; after a restart every resuming reader lists once.
 *   <li><b>Server-side fields.</b> uid, creationTimestamp and generation are the API server's: the
 *       clock given to {@link dev.gryt.store.StoreFactory} stamps nothing here. This store writes
 *       the typed id label and, on update, the generation Kubernetes would give (one more only when
 *       the spec changed) so that the mock server agrees with a real one.
 *   <li><b>{@link #commit}.</b> Kubernetes has no transaction over several objects. The commit
 *       first checks every mutation against what is stored (names free, versions current), so the
 *       usual failures write nothing; then it applies them in order and, when one fails after all
 *       (a race, a rejection), undoes the ones applied, newest first (compensating writes: a
 *       deleted object is created again with its id label, spec and status, but Kubernetes gives it
 *       a new uid). Other readers can see the partial state while that happens, and a crash between
 *       the writes leaves it partial.
 *   <li><b>Deliveries and run reports.</b> {@link #recordDelivery} reserves the delivery id in SQL
 *       first (its unique key decides a race of duplicates), then creates the JobRun, then records
 *       the run's id; a failed create removes the reservation. {@link #reportRun} writes the status
 *       (fenced by its version) and then appends the logs: a crash in between keeps the status
 *       without those logs. A Webhook's key and deliveries, a JobRun's logs, are forgotten when the
 *       delete goes through this store or its watch sees one; a trigger key is honoured only while
 *       its Webhook exists.
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
  private static final HexFormat HEX = HexFormat.of();

  /** How long a duplicate delivery waits for the first one to name its run. */
  private static final Duration FIRST_DELIVERY_WAIT = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final boolean ownsClient;

  /** The namespaces served; empty for all. */
  private final List<String> namespaces;

  private final SqlResourceStore sql;
  private final SqlSideTables side;
  private final SealedFields sealed;
  private final EventLog log;
  private final List<io.fabric8.kubernetes.client.Watch> watches = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();
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
    this.sealed = sql.sealedFields();
    Map<Scope, String> listedAt = new LinkedHashMap<>();
    long start = 0;
    for (ResourceKind kind : ResourceKind.values()) {
      for (Scope scope : scopes(kind)) {
        String version;
        try {
          version = listVersion(scope);
        } catch (KubernetesClientException e) {
          throw failure("list " + scope + " (are the gryt CRDs installed?)", e);
        }
        listedAt.put(scope, version);
        start = Math.max(start, numberOr(version, 0));
      }
    }
    this.log = new EventLog(start, eventRetention, sealed::open);
    listedAt.forEach(this::watchFrom);
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

  // ---------------------------------------------------------------- watches

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void watchFrom(Scope scope, String version) {
    ResourceKind kind = scope.kind();
    Watcher watcher =
        new Watcher<GrytResource<?, ?>>() {
          @Override
          public void eventReceived(Action action, GrytResource<?, ?> resource) {
            WatchEvent.Type type =
                switch (action) {
                  case ADDED -> WatchEvent.Type.ADDED;
                  case MODIFIED -> WatchEvent.Type.MODIFIED;
                  case DELETED -> WatchEvent.Type.DELETED;
                  default -> null;
                };
            // A watch may open with the objects the list already showed; they are no changes.
            boolean listed =
                type != WatchEvent.Type.DELETED
                    && numberOr(resource.getMetadata().getResourceVersion(), Long.MAX_VALUE)
                        <= numberOr(version, 0);
            if (type != null && !listed) {
              observed(type, resource);
            }
          }

          @Override
          public void onClose(WatcherException cause) {
            if (closed) {
              return;
            }
            // Events between the broken watch and a new list are lost to the log: readers relist.
            LOG.warn("watch of {} closed ({}); listing again", scope, cause.getMessage());
            log.gap(scope + ": " + cause.getMessage());
            try {
              watchFrom(scope, listVersion(scope));
            } catch (KubernetesClientException e) {
              LOG.error("cannot watch {} again: {}", scope, e.getMessage());
            }
          }
        };
    var operation = scope.operation();
    io.fabric8.kubernetes.client.Watch watch =
        version == null || version.isEmpty()
            ? operation.watch(watcher)
            : operation.withResourceVersion(version).watch(watcher);
    synchronized (watches) {
      watches.add(watch);
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
    Map<String, String> labels = meta.getLabels() == null ? new HashMap<>() : meta.getLabels();
    labels.put(GrytResource.ID_LABEL, id != null ? id : newId(body.kind()));
    meta.setLabels(labels);
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
        !Objects.equals(
            ResourceCodec.toTree(stored).get("spec"), ResourceCodec.toTree(next).get("spec"));
    Map<String, String> labels =
        resource.getMetadata().getLabels() == null
            ? new HashMap<>()
            : new HashMap<>(resource.getMetadata().getLabels());
    labels.put(GrytResource.ID_LABEL, stored.id());
    next.getMetadata().setLabels(labels);
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    next.getMetadata()
        .setAnnotations(annotations == null ? new HashMap<>() : new HashMap<>(annotations));
    if (specChanged) {
      // What a real API server does by itself; the mock server needs to be told.
      Long generation = stored.getMetadata().getGeneration();
      next.getMetadata().setGeneration(generation == null ? 1 : generation + 1);
    }
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
  private <R extends GrytResource<?, ?>> R requireCurrent(R given) {
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

  private static void requireVersion(GrytResource<?, ?> stored, String given) {
    String current = stored.getMetadata().getResourceVersion();
    if (!current.equals(given)) {
      throw new ConflictException(
          keyOf(stored)
              + " was modified: resourceVersion "
              + (given == null ? "(none)" : given)
              + " given, "
              + current
              + " stored; read it again and retry");
    }
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
    GrytResource<?, ?> deleted = doDelete(kind, namespace, name, expectedResourceVersion);
    log.record(WatchEvent.Type.DELETED, deleted);
    forgetWhatBelongsTo(deleted);
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
    precheck(mutations);
    List<Runnable> undo = new ArrayList<>();
    List<GrytResource<?, ?>> results = new ArrayList<>();
    try {
      for (Mutation mutation : mutations) {
        results.add(apply(mutation, undo));
      }
    } catch (RuntimeException e) {
      for (int i = undo.size() - 1; i >= 0; i--) {
        try {
          undo.get(i).run();
        } catch (RuntimeException undoFailure) {
          e.addSuppressed(undoFailure);
          LOG.error("could not undo a write of a failed commit: {}", undoFailure.getMessage());
        }
      }
      throw e;
    }
    return results;
  }

  /**
   * Finds the failures that a read can predict (a taken name, a missing object, a stale version)
   * before anything is written. Objects the same commit creates or deletes before are skipped:
   * their state is not stored yet.
   */
  private void precheck(List<Mutation> mutations) {
    java.util.Set<String> touched = new java.util.HashSet<>();
    for (Mutation mutation : mutations) {
      GrytResource<?, ?> resource = resourceOf(mutation);
      ResourceKind kind;
      String ns;
      String name;
      if (mutation instanceof Mutation.Delete d) {
        kind = d.kind();
        ns = namespaceOf(d.namespace());
        name = requireName(d.name());
      } else {
        ObjectMeta meta = resource.getMetadata();
        kind = resource.kind();
        ns = namespaceOf(meta == null ? null : meta.getNamespace());
        name = requireName(meta == null ? null : meta.getName());
      }
      if (resource != null) {
        requireSize(resource);
      }
      String key = kind.kind() + " " + ns + "/" + name;
      if (!touched.add(key)) {
        continue;
      }
      Optional<? extends GrytResource<?, ?>> stored = get(kind.type(), ns, name);
      if (mutation instanceof Mutation.Create) {
        if (stored.isPresent()) {
          throw new AlreadyExistsException(key + " already exists");
        }
      } else if (mutation instanceof Mutation.Delete d) {
        GrytResource<?, ?> current =
            stored.orElseThrow(() -> new NotFoundException(key + " not found"));
        if (d.expectedResourceVersion() != null) {
          requireVersion(current, d.expectedResourceVersion());
        }
      } else {
        requireVersion(
            stored.orElseThrow(() -> new NotFoundException(key + " not found")),
            resource.getMetadata().getResourceVersion());
      }
    }
  }

  private static GrytResource<?, ?> resourceOf(Mutation mutation) {
    if (mutation instanceof Mutation.Create c) {
      return c.resource();
    } else if (mutation instanceof Mutation.Update u) {
      return u.resource();
    } else if (mutation instanceof Mutation.UpdateStatus s) {
      return s.resource();
    }
    return null;
  }

  private GrytResource<?, ?> apply(Mutation mutation, List<Runnable> undo) {
    if (mutation instanceof Mutation.Create c) {
      GrytResource<?, ?> created = create(c.resource());
      ObjectMeta meta = created.getMetadata();
      undo.add(() -> delete(created.kind(), meta.getNamespace(), meta.getName(), null));
      return created;
    } else if (mutation instanceof Mutation.Update u) {
      GrytResource<?, ?> before = requireCurrent(u.resource());
      GrytResource<?, ?> updated = update(u.resource());
      undo.add(() -> restore(before, false));
      return updated;
    } else if (mutation instanceof Mutation.UpdateStatus s) {
      GrytResource<?, ?> before = requireCurrent(s.resource());
      GrytResource<?, ?> updated = updateStatus(s.resource());
      undo.add(() -> restore(before, true));
      return updated;
    }
    Mutation.Delete d = (Mutation.Delete) mutation;
    GrytResource<?, ?> deleted =
        doDelete(d.kind(), d.namespace(), d.name(), d.expectedResourceVersion());
    log.record(WatchEvent.Type.DELETED, deleted);
    undo.add(() -> recreate(deleted));
    forgetWhatBelongsTo(deleted);
    return null;
  }

  /** Puts {@code before}'s spec, labels and annotations (or status) back over what is stored. */
  private void restore(GrytResource<?, ?> before, boolean status) {
    ObjectMeta meta = before.getMetadata();
    GrytResource<?, ?> current =
        get(before.getClass(), meta.getNamespace(), meta.getName()).orElseThrow();
    // Given back as a caller would give it: its secret in the clear, to be sealed again.
    GrytResource<?, ?> back = sealed.open(ResourceCodec.copy(before));
    back.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    if (status) {
      updateStatus(back);
    } else {
      update(back);
    }
  }

  private void recreate(GrytResource<?, ?> deleted) {
    GrytResource<?, ?> created = doCreate(sealed.open(ResourceCodec.copy(deleted)), deleted.id());
    log.record(WatchEvent.Type.ADDED, created);
    if (deleted.getStatus() != null) {
      GrytResource<?, ?> withStatus = ResourceCodec.copy(created);
      setStatus(withStatus, ResourceCodec.copy(deleted).getStatus());
      updateStatus(withStatus);
    }
  }

  // ---------------------------------------------------------------- deliveries and keys

  @Override
  public Delivery.Recorded recordDelivery(Delivery delivery, Optional<Mutation.Create> run) {
    Objects.requireNonNull(delivery, "delivery");
    String ns = namespaceOf(delivery.webhookNamespace());
    String name = requireName(delivery.webhookName());
    Delivery inNamespace =
        new Delivery(
            null,
            ns,
            name,
            delivery.event(),
            delivery.deliveryId(),
            null,
            delivery.status(),
            delivery.reason(),
            null);
    long deadline = System.nanoTime() + FIRST_DELIVERY_WAIT.toNanos();
    while (true) {
      Optional<Delivery.Recorded> duplicate = firstDelivery(ns, name, delivery.deliveryId());
      if (duplicate.isPresent()) {
        return duplicate.get();
      }
      requireWebhook(ns, name);
      run.ifPresent(create -> requireJob(ns, name, create.resource()));
      Optional<Delivery> reserved = side.insertDelivery(inNamespace);
      if (reserved.isEmpty()) {
        // Another request with the same delivery id won; wait for it to name its run.
        if (System.nanoTime() > deadline) {
          throw new ConflictException(
              "delivery "
                  + delivery.deliveryId()
                  + " to webhook "
                  + ns
                  + "/"
                  + name
                  + " is being recorded by another request; retry");
        }
        pause();
        continue;
      }
      Delivery recorded = reserved.get();
      if (run.isEmpty()) {
        return new Delivery.Recorded(recorded, false);
      }
      GrytResource<?, ?> created;
      try {
        created = create(run.get().resource());
      } catch (RuntimeException e) {
        side.removeDelivery(recorded.id());
        throw e;
      }
      side.setDeliveryRun(recorded.id(), created.id());
      return new Delivery.Recorded(withRun(recorded, created.id()), false);
    }
  }

  private void requireJob(String ns, String webhook, GrytResource<?, ?> run) {
    String job = Delivery.jobOf(run);
    if (get(Job.class, ns, job).isEmpty()) {
      throw Delivery.jobMissing(ns, webhook, job);
    }
  }

  /** The first record of a delivery id, once it is complete (a triggered one names its run). */
  private Optional<Delivery.Recorded> firstDelivery(String ns, String name, String deliveryId) {
    if (deliveryId == null) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + FIRST_DELIVERY_WAIT.toNanos();
    while (true) {
      Optional<Delivery> first = side.findDelivery(ns, name, deliveryId);
      if (first.isEmpty()) {
        return Optional.empty();
      }
      Delivery d = first.get();
      if (d.runId() != null
          || !Delivery.TRIGGERED.equals(d.status())
          || System.nanoTime() > deadline) {
        return Optional.of(new Delivery.Recorded(d, true));
      }
      pause();
    }
  }

  private static Delivery withRun(Delivery d, String runId) {
    return new Delivery(
        d.id(),
        d.webhookNamespace(),
        d.webhookName(),
        d.event(),
        d.deliveryId(),
        d.receivedAt(),
        d.status(),
        d.reason(),
        runId);
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a concurrent delivery");
    }
  }

  private void requireWebhook(String ns, String name) {
    if (stored(ResourceKind.WEBHOOK.type(), ns, name).isEmpty()) {
      throw new NotFoundException("webhook " + ns + "/" + name + " not found");
    }
  }

  @Override
  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    return side.deliveries(namespaceOf(namespace), webhookName, limit);
  }

  @Override
  public WebhookKey webhookKey(String namespace, String webhookName) {
    String ns = namespaceOf(namespace);
    requireWebhook(ns, webhookName);
    return side.webhookKey(ns, webhookName);
  }

  @Override
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    String ns = namespaceOf(namespace);
    requireWebhook(ns, webhookName);
    return side.rotateWebhookKey(ns, webhookName);
  }

  @Override
  public Optional<WebhookKey> findWebhookKey(String key) {
    // A Webhook deleted while no store watched keeps its key row; it still belongs to nobody.
    return side.findWebhookKey(key)
        .filter(k -> stored(ResourceKind.WEBHOOK.type(), k.namespace(), k.name()).isPresent());
  }

  // ---------------------------------------------------------------- events, runs, the rest

  @Override
  public List<WatchEvent> history(ResourceKind kind, String namespace, String name, int limit) {
    return log.history(kind, namespaceOf(namespace), name, limit);
  }

  @Override
  public JobRun reportRun(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun) {
    JobRun written = updateStatus(run);
    side.appendRunLogs(
        written.getMetadata().getNamespace(),
        written.getMetadata().getName(),
        attempt,
        logs,
        maxCharsPerStep,
        maxCharsPerRun);
    return written;
  }

  @Override
  public List<LogChunk> runLogs(String namespace, String runName, long afterSeq, int limit) {
    return side.runLogs(namespaceOf(namespace), runName, afterSeq, limit);
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
    synchronized (watches) {
      watches.forEach(io.fabric8.kubernetes.client.Watch::close);
      watches.clear();
    }
    log.closeAll();
    sql.close();
    if (ownsClient) {
      client.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** One kind in one served namespace (or in all): what one list and one watch cover. */
  private record Scope(
      ResourceKind kind,
      String namespace,
      FilterWatchListDeletable<GrytResource<?, ?>, KubernetesResourceList<GrytResource<?, ?>>, ?>
          operation) {
    @Override
    public String toString() {
      return kind.plural() + (namespace == null ? "" : " in " + namespace);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Scope> scopes(ResourceKind kind) {
    MixedOperation all = client.resources((Class) kind.type());
    if (namespaces.isEmpty()) {
      return List.of(new Scope(kind, null, (FilterWatchListDeletable) all.inAnyNamespace()));
    }
    return namespaces.stream()
        .map(ns -> new Scope(kind, ns, (FilterWatchListDeletable) all.inNamespace(ns)))
        .toList();
  }

  /** The cluster's resourceVersion as of a list: where the scope's watch starts. */
  private static String listVersion(Scope scope) {
    return scope.operation().list().getMetadata().getResourceVersion();
  }

  private String namespaceOf(String given) {
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
  private static void requireSize(GrytResource<?, ?> resource) {
    ObjectSize.problem(resource)
        .ifPresent(
            tooLarge -> {
              throw new RejectedException(tooLarge);
            });
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new RejectedException("a resource needs metadata.name");
    }
    return name;
  }

  private String newId(ResourceKind kind) {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return kind.idPrefix() + HEX.formatHex(bytes);
  }

  private static long numberOr(String version, long fallback) {
    try {
      return version == null ? fallback : Long.parseLong(version);
    } catch (NumberFormatException e) {
      return fallback;
    }
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
  private static StoreException failure(String action, KubernetesClientException e) {
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
