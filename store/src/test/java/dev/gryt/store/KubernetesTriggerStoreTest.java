package dev.gryt.store;

import dev.gryt.store.TestDatabases.TestDatabase;
import dev.gryt.store.k8s.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook keys and deliveries contract on Kubernetes (fabric8's mock API server in CRUD mode,
 * with the generated CRDs), the SQL tables on SQLite, as {@link KubernetesResourceStoreTest} opens
 * it.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesTriggerStoreTest extends TriggerStoreContract {
  KubernetesClient client;

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
