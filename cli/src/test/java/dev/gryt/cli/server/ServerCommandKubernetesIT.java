package dev.gryt.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import dev.gryt.store.k8s.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gryt server --db kubernetes:...} against fabric8's mock API server with the CRDs. */
@EnableKubernetesMockClient(crud = true)
class ServerCommandKubernetesIT {
  KubernetesClient client;

  @TempDir Path home;

  @Test
  void opensAKubernetesStoreWithItsSqliteFileUnderTheWorkingDirectory() throws IOException {
    MockCluster.installCrds(client);
    MockCluster.pointClientsAt(client);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // The port is taken so the command returns: the store has been opened by then.
      CliRun.Result result =
          new CliRun(home)
              .run(
                  "server",
                  "--port",
                  "" + taken.getLocalPort(),
                  "--db",
                  "kubernetes:?sql=sqlite:.gryt/side.db");

      assertThat(result.errLines())
          .singleElement()
          .asString()
          .startsWith("error: cannot listen on");
    }
    assertThat(home.resolve(".gryt/side.db")).exists();
  }
}
