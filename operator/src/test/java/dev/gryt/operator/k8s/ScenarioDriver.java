package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import java.util.List;
import java.util.Optional;

/**
 * Something that stores gryt resources and runs the reconcilers over them, as a {@link Scenario}
 * sees it: the JOSDK operator on a cluster, or the standalone control loop on a store. Everything
 * lives in the {@code default} namespace.
 */
interface ScenarioDriver extends AutoCloseable {
  String NAMESPACE = "default";

  void create(GrytResource<?, ?> resource);

  void delete(ResourceKind kind, String name);

  Optional<? extends GrytResource<?, ?>> get(ResourceKind kind, String name);

  List<? extends GrytResource<?, ?>> list(ResourceKind kind);

  @Override
  void close();
}
