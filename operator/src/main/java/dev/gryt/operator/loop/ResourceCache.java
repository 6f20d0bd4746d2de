package dev.gryt.operator.loop;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.operator.Lookup;
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
  private final Map<ResourceKey, GrytResource<?, ?>> objects = new ConcurrentHashMap<>();

  void put(GrytResource<?, ?> r) {
    objects.put(ResourceKey.of(r), r);
  }

  void remove(GrytResource<?, ?> r) {
    objects.remove(ResourceKey.of(r));
  }

  List<ResourceKey> keys() {
    return new ArrayList<>(objects.keySet());
  }

  @Override
  public <R extends GrytResource<?, ?>> Optional<R> get(
      Class<R> type, String namespace, String name) {
    GrytResource<?, ?> r = objects.get(new ResourceKey(ResourceKind.of(type), namespace, name));
    return Optional.ofNullable(r).map(type::cast);
  }

  @Override
  public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
    ResourceKind kind = ResourceKind.of(type);
    List<R> out = new ArrayList<>();
    for (GrytResource<?, ?> r : objects.values()) {
      if (r.kind() == kind
          && (namespace == null || namespace.equals(r.getMetadata().getNamespace()))) {
        out.add(type.cast(r));
      }
    }
    return out;
  }

  /** Keys of resources whose reconcile reads {@code changed}: they must look again. */
  List<ResourceKey> dependents(GrytResource<?, ?> changed) {
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
    }
    return out;
  }
}
