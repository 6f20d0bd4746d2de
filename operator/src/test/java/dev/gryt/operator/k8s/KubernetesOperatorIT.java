package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JOSDK driver against the fabric8 mock API server (CRUD mode, CRDs from the {@code crds/}
 * folder): every {@link Scenarios scenario} passes, and ends with the same statuses the standalone
 * control loop reaches for the same inputs.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesOperatorIT {
  KubernetesClient client;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.gryt.operator.k8s.Scenarios#all")
  void reachesTheSameStatusesAsTheStandaloneDriver(Scenario scenario) {
    try (ScenarioDriver kubernetes =
            new KubernetesScenarioDriver(client, KubernetesScenarioDriver.mockServerOptions());
        ScenarioDriver standalone =
            new StandaloneScenarioDriver(new InMemoryResourceStore(Clock.systemUTC()))) {
      scenario.runOn(kubernetes);
      scenario.runOn(standalone);
      await("same statuses on both drivers")
          .atMost(Scenario.CONVERGENCE)
          .untilAsserted(
              () ->
                  assertThat(Scenario.snapshot(kubernetes))
                      .isNotEmpty()
                      .isEqualTo(Scenario.snapshot(standalone)));
    }
  }

  @Test
  void withLeaderElectionItTakesTheLeaseAndReconciles() {
    KubernetesOperator.Options options =
        KubernetesScenarioDriver.mockServerOptions().withLeaderElection("gryt-operator", "gryt");
    try (ScenarioDriver kubernetes = new KubernetesScenarioDriver(client, options)) {
      Scenarios.all().get(0).runOn(kubernetes);
      Lease lease = client.leases().inNamespace("gryt").withName("gryt-operator").get();
      assertThat(lease).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    }
  }
}
