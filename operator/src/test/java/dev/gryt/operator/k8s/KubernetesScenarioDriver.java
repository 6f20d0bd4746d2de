package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.operator.ExampleRepoProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scenarios on a cluster (the fabric8 mock server in CRUD mode): installs the generated CRDs, then
 * runs the {@link KubernetesOperator} without server-side apply, which the mock server refuses.
 */
final class KubernetesScenarioDriver implements ScenarioDriver {
  // The mock server logs every request at INFO through java.util.logging; held so it stays set.
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesClient client;
  private final KubernetesOperator operator;

  KubernetesScenarioDriver(KubernetesClient client, KubernetesOperator.Options options) {
    this.client = client;
    installCrds(client);
    // No network where tests run: the example repo on github.com answers Reachable offline.
    this.operator =
        KubernetesOperator.start(client, Clock.systemUTC(), options, new ExampleRepoProbe());
  }

  static KubernetesOperator.Options mockServerOptions() {
    return KubernetesOperator.Options.defaults().withUseSsa(false);
  }

  static void installCrds(KubernetesClient client) {
    for (Path crd : RepoFiles.crdFiles()) {
      client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
    }
  }

  @Override
  public void create(GrytResource<?, ?> resource) {
    client.resource(resource).inNamespace(NAMESPACE).create();
  }

  @Override
  public void delete(ResourceKind kind, String name) {
    client.resources(kind.type()).inNamespace(NAMESPACE).withName(name).delete();
  }

  @Override
  public Optional<? extends GrytResource<?, ?>> get(ResourceKind kind, String name) {
    return Optional.ofNullable(
        client.resources(kind.type()).inNamespace(NAMESPACE).withName(name).get());
  }

  @Override
  public List<? extends GrytResource<?, ?>> list(ResourceKind kind) {
    return client.resources(kind.type()).inNamespace(NAMESPACE).list().getItems();
  }

  @Override
  public void close() {
    operator.close();
  }
}
