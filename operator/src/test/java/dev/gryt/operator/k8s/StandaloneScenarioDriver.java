package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.ExampleRepoProbe;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.operator.loop.StandaloneOperator;
import dev.gryt.store.ResourceStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scenarios on the standalone driver: {@link StandaloneOperator}'s control loop over a store
 * (SQLite or PostgreSQL).
 */
final class StandaloneScenarioDriver implements ScenarioDriver {
  private final ResourceStore store;
  private final ControlLoop loop;

  StandaloneScenarioDriver(ResourceStore store) {
    this.store = store;
    // No network where tests run: the example repo on github.com answers Reachable offline.
    this.loop = StandaloneOperator.create(store, Clock.systemUTC(), new ExampleRepoProbe());
    loop.start();
  }

  @Override
  public void create(GrytResource<?, ?> resource) {
    store.create(resource);
  }

  @Override
  public void delete(ResourceKind kind, String name) {
    store.delete(kind, NAMESPACE, name, null);
  }

  @Override
  public Optional<? extends GrytResource<?, ?>> get(ResourceKind kind, String name) {
    return store.get(kind.type(), NAMESPACE, name);
  }

  @Override
  public List<? extends GrytResource<?, ?>> list(ResourceKind kind) {
    return store.list(kind.type(), NAMESPACE, Map.of());
  }

  @Override
  public void close() {
    loop.close();
    store.close();
  }
}
