package dev.gryt.operator.loop;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.operator.JobRunReconciler;
import dev.gryt.operator.Lookup;
import dev.gryt.operator.RunPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the control loop has seen of the store, kept current by the watch (an informer cache).
 * Reconcilers read the resources they refer to from here; the resource being reconciled is always
 * read fresh from the store, and status writes are fenced by resourceVersion, so a stale cache can
 * delay a decision but never make a wrong write stick.
 */
final class ResourceCache implements Lookup {
  /** kind → namespace → name → resource: lists of one kind in one namespace never scan the rest. */
  private final Map<ResourceKind, Map<String, Map<String, GrytResource<?, ?>>>> objects =
      new ConcurrentHashMap<>();

  /**
   * Keeps {@code r} unless a newer version of it is cached already: the loop also puts what its own
   * status writes stored, which the watch may deliver after older events of the same object.
   */
  void put(GrytResource<?, ?> r) {
    ResourceKey key = ResourceKey.of(r);
    objects
        .computeIfAbsent(key.kind(), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(key.namespace(), n -> new ConcurrentHashMap<>())
        .merge(key.name(), r, (cached, given) -> notOlder(given, cached) ? given : cached);
  }

  /** Compares store resourceVersions as numbers; where either is not one, the newest put wins. */
  private static boolean notOlder(GrytResource<?, ?> given, GrytResource<?, ?> cached) {
    try {
      return Long.parseLong(given.getMetadata().getResourceVersion())
          >= Long.parseLong(cached.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return true;
    }
  }

  void remove(GrytResource<?, ?> r) {
    ResourceKey key = ResourceKey.of(r);
    Map<String, GrytResource<?, ?>> names =
        objects.getOrDefault(key.kind(), Map.of()).get(key.namespace());
    if (names != null) {
      names.remove(key.name());
    }
  }

  List<ResourceKey> keys() {
    List<ResourceKey> keys = new ArrayList<>();
    objects.forEach(
        (kind, namespaces) ->
            namespaces.forEach(
                (ns, names) ->
                    names.keySet().forEach(n -> keys.add(new ResourceKey(kind, ns, n)))));
    return keys;
  }

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    Map<String, GrytResource<?, ?>> names =
        objects.getOrDefault(ResourceKind.of(type), Map.of()).get(namespace);
    return names == null ? Optional.empty() : Optional.ofNullable(names.get(name)).map(type::cast);
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
    Map<String, Map<String, GrytResource<?, ?>>> namespaces =
        objects.getOrDefault(ResourceKind.of(type), Map.of());
    List<R> out = new ArrayList<>();
    if (namespace == null) {
      namespaces.values().forEach(names -> names.values().forEach(r -> out.add(type.cast(r))));
    } else {
      namespaces.getOrDefault(namespace, Map.of()).values().forEach(r -> out.add(type.cast(r)));
    }
    return out;
  }

  /**
   * Keys of resources whose reconcile reads {@code changed}: they must look again. {@code gone}
   * says the change was a deletion.
   *
   * <p>A run's change reaches only the resources it can change the decision of: its Job when the
   * run finished (the Job expires old finished runs), and the siblings {@link RunPolicy#affectedBy}
   * names. Queuing every unfinished sibling on every run change made a burst of N webhook runs cost
   * N² reconciles.
   */
  List<ResourceKey> dependents(GrytResource<?, ?> changed, boolean gone) {
    String ns = changed.getMetadata().getNamespace();
    String name = changed.getMetadata().getName();
    List<ResourceKey> out = new ArrayList<>();
    if (changed instanceof Pipeline) {
      list(Job.class, ns).stream()
          .filter(j -> name.equals(j.getSpec().pipelineName))
          .forEach(j -> out.add(ResourceKey.of(j)));
    } else if (changed instanceof GitHubRepo) {
      list(Job.class, ns).stream()
          .filter(j -> Objects.equals(name, j.getSpec().githubRepoName))
          .forEach(j -> out.add(ResourceKey.of(j)));
    } else if (changed instanceof Job) {
      list(Webhook.class, ns).stream()
          .filter(w -> name.equals(w.getSpec().jobName))
          .forEach(w -> out.add(ResourceKey.of(w)));
      list(JobRun.class, ns).stream()
          .filter(r -> name.equals(r.getSpec().jobName))
          .forEach(r -> out.add(ResourceKey.of(r)));
    } else if (changed instanceof JobRun run) {
      Optional<Job> job = get(Job.class, ns, run.getSpec().jobName);
      if (job.isPresent()) {
        if (JobRunReconciler.finished(run)) {
          out.add(ResourceKey.of(job.get()));
        }
        if (RunPolicy.needsSiblings(job.get())) {
          RunPolicy.affectedBy(
                  run,
                  gone,
                  job.get(),
                  RunPolicy.runsOf(run.getSpec().jobName, list(JobRun.class, ns)))
              .forEach(r -> out.add(ResourceKey.of(r)));
        }
      }
    }
    return out;
  }
}
