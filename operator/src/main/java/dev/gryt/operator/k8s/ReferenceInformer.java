package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.operator.Reference;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@link Reference} a reconciler declares, as JOSDK wants it: an informer event source on the
 * controller that caches the kind read (what the reconciler's {@link dev.gryt.operator.Lookup}
 * reads, so a Job turns Ready when its Pipeline appears without any polling) and maps a change of
 * it back to the resources that must look again, with an index on the primary cache.
 *
 * <p>A reference's narrowing is not applied here: JOSDK's mapper is not told whether the change was
 * a deletion, which the narrowing needs, and waking a resource whose decision cannot move costs a
 * reconcile, not a wrong status.
 */
final class ReferenceInformer {
  private ReferenceInformer() {}

  /** The informer that caches {@code S}s and tells the controller which {@code P}s to reconcile. */
  static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>>
      InformerEventSource<S, P> eventSource(
          Reference<P, S> reference, EventSourceContext<P> context) {
    InformerEventSourceConfiguration<S> configuration =
        InformerEventSourceConfiguration.from(reference.type(), context.getPrimaryResourceClass())
            .withName(reference.type().getSimpleName())
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(primariesNaming(reference, context))
            .build();
    return new InformerEventSource<>(configuration, context);
  }

  private static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>>
      SecondaryToPrimaryMapper<S> primariesNaming(
          Reference<P, S> reference, EventSourceContext<P> context) {
    if (!reference.wakes()) {
      return secondary -> Set.of();
    }
    // An index on the primary cache ("namespace/name" each P is matched on) makes the mapping a
    // lookup instead of a scan of every P on every change of an S.
    String index = "gryt.io/" + reference.type().getSimpleName() + "-name";
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(
        index,
        primary -> {
          String name = reference.nameIn(primary);
          return name == null
              ? List.of()
              : List.of(key(primary.getMetadata().getNamespace(), name));
        });
    return secondary -> {
      String name = reference.nameOf(secondary);
      if (name == null) {
        return Set.of();
      }
      return primaries.byIndex(index, key(secondary.getMetadata().getNamespace(), name)).stream()
          .map(ResourceID::fromResource)
          .collect(Collectors.toSet());
    };
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
