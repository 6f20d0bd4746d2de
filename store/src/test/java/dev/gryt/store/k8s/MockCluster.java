package dev.gryt.store.k8s;

import dev.gryt.store.ResourceStore;
import dev.gryt.store.SqlResourceStore;
import dev.gryt.store.StoreFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/** A fabric8 mock API server made to look like a cluster with gryt installed. */
public final class MockCluster {
  private MockCluster() {}

  /** Creates the generated CustomResourceDefinitions ({@code crds/*-v1.yml}). */
  public static void installCrds(KubernetesClient client) {
    for (Path crd : crdFiles()) {
      client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
    }
  }

  /**
   * Makes every client built by fabric8's auto-configuration in this JVM (as {@code StoreFactory}
   * builds one) talk to {@code client}'s server, never to a real cluster of the machine's
   * kubeconfig.
   */
  public static void pointClientsAt(KubernetesClient client) {
    System.setProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, client.getMasterUrl().toString());
    System.setProperty(Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY, "true");
    System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    System.setProperty(Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false");
    System.setProperty(Config.KUBERNETES_HTTP2_DISABLE, "true");
    System.setProperty(Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "default");
  }

  /**
   * A mock API server in CRUD mode with the CRDs, started, for a test that already has one (the
   * JUnit extension's) and needs a cluster of its own; {@code destroy()} it after.
   */
  public static KubernetesMockServer startCrudServer() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            true);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      installCrds(client);
    }
    return server;
  }

  /** A {@link KubernetesResourceStore} on {@code server}, the other tables in {@code sqlUrl}. */
  public static ResourceStore openStore(KubernetesMockServer server, String sqlUrl) {
    return KubernetesResourceStore.open(
        server.createClient(),
        List.of(),
        (SqlResourceStore) StoreFactory.open(sqlUrl),
        SqlResourceStore.DEFAULT_EVENT_RETENTION,
        true);
  }

  static List<Path> crdFiles() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path crds = dir.resolve("crds");
      if (Files.exists(crds.resolve("pom.xml"))) {
        try (Stream<Path> files = Files.list(crds)) {
          return files.filter(f -> f.toString().endsWith("-v1.yml")).sorted().toList();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("no crds/ folder above " + Path.of("").toAbsolutePath());
  }
}
