package dev.gryt.store.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.AlreadyExistsException;
import dev.gryt.store.Mutation;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.SealedFields;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KubernetesResourceStore#commit}: Kubernetes has no transaction over several objects. The
 * commit first checks every mutation against what is stored (names free, versions current), so the
 * usual failures write nothing; then it applies them in order and, when one fails after all (a
 * race, a rejection), undoes the ones applied, newest first (compensating writes: a deleted object
 * is created again with its id label, spec and status, but Kubernetes gives it a new uid). Other
 * readers can see the partial state while that happens, and a crash between the writes leaves it
 * partial.
 */
final class KubernetesCommit {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesCommit.class);

  private final KubernetesResourceStore store;
  private final SealedFields sealed;

  KubernetesCommit(KubernetesResourceStore store, SealedFields sealed) {
    this.store = store;
    this.sealed = sealed;
  }

  /** Applies every mutation in order, or undoes the ones applied and throws. */
  List<GrytResource<?, ?>> run(List<Mutation> mutations) {
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
    Set<String> touched = new HashSet<>();
    for (Mutation mutation : mutations) {
      GrytResource<?, ?> resource = resourceOf(mutation);
      ResourceKind kind;
      String ns;
      String name;
      if (mutation instanceof Mutation.Delete d) {
        kind = d.kind();
        ns = store.namespaceOf(d.namespace());
        name = KubernetesResourceStore.requireName(d.name());
      } else {
        ObjectMeta meta = resource.getMetadata();
        kind = resource.kind();
        ns = store.namespaceOf(meta == null ? null : meta.getNamespace());
        name = KubernetesResourceStore.requireName(meta == null ? null : meta.getName());
      }
      if (resource != null) {
        KubernetesResourceStore.requireSize(resource);
      }
      String key = kind.kind() + " " + ns + "/" + name;
      if (!touched.add(key)) {
        continue;
      }
      Optional<? extends GrytResource<?, ?>> stored = store.get(kind.type(), ns, name);
      if (mutation instanceof Mutation.Create) {
        if (stored.isPresent()) {
          throw new AlreadyExistsException(key + " already exists");
        }
      } else if (mutation instanceof Mutation.Delete d) {
        GrytResource<?, ?> current =
            stored.orElseThrow(() -> new NotFoundException(key + " not found"));
        if (d.expectedResourceVersion() != null) {
          KubernetesResourceStore.requireVersion(current, d.expectedResourceVersion());
        }
      } else {
        KubernetesResourceStore.requireVersion(
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
      GrytResource<?, ?> created = store.create(c.resource());
      ObjectMeta meta = created.getMetadata();
      undo.add(() -> store.delete(created.kind(), meta.getNamespace(), meta.getName(), null));
      return created;
    } else if (mutation instanceof Mutation.Update u) {
      GrytResource<?, ?> before = store.requireCurrent(u.resource());
      GrytResource<?, ?> updated = store.update(u.resource());
      undo.add(() -> restore(before, false));
      return updated;
    } else if (mutation instanceof Mutation.UpdateStatus s) {
      GrytResource<?, ?> before = store.requireCurrent(s.resource());
      GrytResource<?, ?> updated = store.updateStatus(s.resource());
      undo.add(() -> restore(before, true));
      return updated;
    }
    Mutation.Delete d = (Mutation.Delete) mutation;
    GrytResource<?, ?> deleted =
        store.deleteAndLog(d.kind(), d.namespace(), d.name(), d.expectedResourceVersion());
    undo.add(() -> store.recreate(deleted));
    return null;
  }

  /** Puts {@code before}'s spec, labels and annotations (or status) back over what is stored. */
  private void restore(GrytResource<?, ?> before, boolean status) {
    ObjectMeta meta = before.getMetadata();
    GrytResource<?, ?> current =
        store.get(before.getClass(), meta.getNamespace(), meta.getName()).orElseThrow();
    // Given back as a caller would give it: its secret in the clear, to be sealed again.
    GrytResource<?, ?> back = sealed.open(ResourceCodec.copy(before));
    back.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    if (status) {
      store.updateStatus(back);
    } else {
      store.update(back);
    }
  }
}
