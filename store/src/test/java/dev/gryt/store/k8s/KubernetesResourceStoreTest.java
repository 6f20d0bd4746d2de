package dev.gryt.store.k8s;

import dev.gryt.store.ResourceStore;
import dev.gryt.store.ResourceStoreContract;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.TestDatabases;
import dev.gryt.store.TestDatabases.TestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on Kubernetes (fabric8's mock API server in CRUD mode, with the generated
 * CRDs), the other tables on SQLite. Stores are opened through {@link StoreFactory} with a {@code
 * kubernetes:} URL, the client finding the mock server as it would find a cluster.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesResourceStoreTest extends ResourceStoreContract {
  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path directory;

  private final List<ResourceStore> stores = new ArrayList<>();

  @BeforeEach
  void clusterWithTheCrds() {
    MockCluster.installCrds(client);
    MockCluster.pointClientsAt(client);
  }

  @AfterEach
  void closeStores() {
    stores.forEach(ResourceStore::close);
  }

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }

  @Override
  protected ResourceStore open(String sqlUrl, long eventRetention) {
    ResourceStore store =
        StoreFactory.open("kubernetes:?eventRetention=" + eventRetention + "&sql=" + sqlUrl, CLOCK);
    stores.add(store);
    return store;
  }
}
