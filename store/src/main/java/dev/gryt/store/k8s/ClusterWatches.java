package dev.gryt.store.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.WatchEvent;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 watches that feed a {@link KubernetesResourceStore}'s {@link EventLog}: one per kind
 * and served namespace (or one per kind over every namespace), each started from the version its
 * list showed. A watch that breaks leaves a gap in the log (readers list again) and starts again
 * from a new list.
 */
final class ClusterWatches {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatches.class);

  private final KubernetesClient client;

  /** The namespaces served; empty for all. */
  private final List<String> namespaces;

  private final Map<Scope, String> listedAt = new LinkedHashMap<>();
  private final List<io.fabric8.kubernetes.client.Watch> watches = new ArrayList<>();
  private EventLog log;
  private BiConsumer<WatchEvent.Type, GrytResource<?, ?>> observed;
  private volatile boolean closed;

  ClusterWatches(KubernetesClient client, List<String> namespaces) {
    this.client = client;
    this.namespaces = namespaces;
  }

  /**
   * Lists every scope once.
   *
   * @return the highest version the lists showed: where the event log starts
   * @throws dev.gryt.store.StoreException when a scope cannot be listed
   */
  long list() {
    long start = 0;
    for (ResourceKind kind : ResourceKind.values()) {
      for (Scope scope : scopes(kind)) {
        String version;
        try {
          version = listVersion(scope);
        } catch (KubernetesClientException e) {
          throw KubernetesResourceStore.failure(
              "list " + scope + " (are the gryt CRDs installed?)", e);
        }
        listedAt.put(scope, version);
        start = Math.max(start, numberOr(version, 0));
      }
    }
    return start;
  }

  /**
   * Watches every listed scope from its list's version: {@code observed} gets each change, {@code
   * log} a gap when a watch breaks.
   */
  void start(EventLog log, BiConsumer<WatchEvent.Type, GrytResource<?, ?>> observed) {
    this.log = log;
    this.observed = observed;
    listedAt.forEach(this::watchFrom);
  }

  void close() {
    closed = true;
    synchronized (watches) {
      watches.forEach(io.fabric8.kubernetes.client.Watch::close);
      watches.clear();
    }
  }

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
              observed.accept(type, resource);
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

  private static long numberOr(String version, long fallback) {
    try {
      return version == null ? fallback : Long.parseLong(version);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
