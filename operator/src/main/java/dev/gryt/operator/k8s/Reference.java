package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A kind that a controller's reconciler reads ({@code P} reads {@code S}), and how a change of an
 * {@code S} maps back to the {@code P}s that must look again: the Kubernetes counterpart of the
 * standalone loop's {@code ResourceCache.dependents()}.
 *
 * <p>Each reference becomes an informer event source on the controller; its cache is what the
 * reconciler's {@link dev.gryt.operator.Lookup} reads, so a Job turns Ready when its Pipeline
 * appears without any polling.
 *
 * @param <P> the controller's (primary) kind
 * @param <S> the kind read (secondary)
 */
final class Reference<P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> {
  private final Class<S> type;
  private final Function<P, String> nameIn;
  private final Function<S, String> nameOf;

  private Reference(Class<S> type, Function<P, String> nameIn, Function<S, String> nameOf) {
    this.type = type;
    this.nameIn = nameIn;
    this.nameOf = nameOf;
  }

  /**
   * A {@code P} names an {@code S} in its spec (a Job's {@code pipeline_name}); a change of that
   * {@code S} reconciles every {@code P} in its namespace that names it.
   */
  static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> Reference<P, S> byName(
      Class<S> type, Function<P, String> nameIn) {
    return new Reference<>(type, nameIn, s -> s.getMetadata().getName());
  }

  /**
   * A {@code P} and the {@code S}s that share a name in their specs (a Job and its runs by {@code
   * job_name}, or a run and its sibling runs): a change of an {@code S} reconciles every {@code P}
   * in its namespace whose {@code nameIn} equals the S's {@code nameOf}.
   */
  static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> Reference<P, S> byShared(
      Class<S> type, Function<P, String> nameIn, Function<S, String> nameOf) {
    return new Reference<>(type, nameIn, nameOf);
  }

  /**
   * A {@code P} reads {@code S}s only through another reference (a JobRun reads the Pipeline of its
   * Job for a default timeout). Cached for the lookup, but a change triggers nothing, as in the
   * standalone loop.
   */
  static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> Reference<P, S> readOnly(
      Class<S> type) {
    return new Reference<>(type, null, null);
  }

  Class<S> type() {
    return type;
  }

  /** The informer that caches {@code S}s and tells the controller which {@code P}s to reconcile. */
  InformerEventSource<S, P> eventSource(EventSourceContext<P> context) {
    InformerEventSourceConfiguration<S> configuration =
        InformerEventSourceConfiguration.from(type, context.getPrimaryResourceClass())
            .withName(type.getSimpleName())
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(primariesNaming(context))
            .build();
    return new InformerEventSource<>(configuration, context);
  }

  private SecondaryToPrimaryMapper<S> primariesNaming(EventSourceContext<P> context) {
    if (nameIn == null) {
      return secondary -> Set.of();
    }
    // An index on the primary cache ("namespace/name" of the S each P names) makes the mapping a
    // lookup instead of a scan of every P on every change of an S.
    String index = "gryt.io/" + type.getSimpleName() + "-name";
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(
        index,
        primary -> {
          String name = nameIn.apply(primary);
          return name == null
              ? List.of()
              : List.of(key(primary.getMetadata().getNamespace(), name));
        });
    return secondary ->
        primaries
            .byIndex(index, key(secondary.getMetadata().getNamespace(), nameOf.apply(secondary)))
            .stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
