package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.operator.PipelineReconciler;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.TestDatabases;
import dev.gryt.store.k8s.MockCluster;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
  KubernetesMockServer server;

  @TempDir Path dir;

  /**
   * The conformance suite: each scenario on the Kubernetes driver and on the standalone loop over
   * SQLite, over PostgreSQL and over the Kubernetes store, ending with identical statuses on all
   * four.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.gryt.operator.k8s.Scenarios#all")
  void reachesTheSameStatusesAsTheStandaloneDriverOnSqliteAndPostgres(Scenario scenario) {
    // The standalone loop on the Kubernetes store gets a cluster of its own: on the JOSDK
    // driver's, the two would reconcile the same objects.
    KubernetesMockServer ownCluster = MockCluster.startCrudServer();
    try (TestDatabases.TestDatabase postgres = TestDatabases.postgres();
        ScenarioDriver kubernetes =
            new KubernetesScenarioDriver(client, KubernetesScenarioDriver.mockServerOptions());
        ScenarioDriver sqlite =
            new StandaloneScenarioDriver(StoreFactory.open("sqlite:" + dir.resolve("gryt.db")));
        ScenarioDriver onPostgres =
            new StandaloneScenarioDriver(StoreFactory.open(postgres.url()));
        ScenarioDriver onKubernetesStore =
            new StandaloneScenarioDriver(
                MockCluster.openStore(ownCluster, "sqlite:" + dir.resolve("side.db")))) {
      scenario.runOn(kubernetes);
      scenario.runOn(sqlite);
      scenario.runOn(onPostgres);
      scenario.runOn(onKubernetesStore);
      await("same statuses on every driver")
          .atMost(Scenario.CONVERGENCE)
          .untilAsserted(
              () -> {
                var expected = Scenario.snapshot(kubernetes);
                assertThat(expected).isNotEmpty();
                assertThat(Scenario.snapshot(sqlite)).as("SQLite").isEqualTo(expected);
                assertThat(Scenario.snapshot(onPostgres)).as("PostgreSQL").isEqualTo(expected);
                assertThat(Scenario.snapshot(onKubernetesStore))
                    .as("standalone loop on the Kubernetes store")
                    .isEqualTo(expected);
              });
    } finally {
      ownCluster.destroy();
    }
  }

  @Test
  void aFailingReconcileIsRetriedUntilItSucceeds() {
    KubernetesScenarioDriver.installCrds(client);
    FlakyPipelineController flaky = new FlakyPipelineController(7);
    try (KubernetesOperator operator =
        KubernetesOperator.start(
            client, KubernetesScenarioDriver.mockServerOptions(), List.of(flaky))) {
      client.resource(Scenarios.pipeline()).inNamespace(ScenarioDriver.NAMESPACE).create();
      await("pipeline Ready despite the outage")
          .atMost(Scenario.CONVERGENCE)
          .untilAsserted(
              () -> {
                Pipeline p =
                    client
                        .resources(Pipeline.class)
                        .inNamespace(ScenarioDriver.NAMESPACE)
                        .withName("test-and-build")
                        .get();
                assertThat(p.getStatus()).isNotNull();
                assertThat(p.getStatus().condition("Ready").orElseThrow().status).isEqualTo("True");
              });
      // More than JOSDK's default of 5 attempts, each after the standalone loop's backoff (50 ms
      // doubling), read from when the calls happened. The first gap is left out: on JOSDK it is
      // not the schedule's 50 ms (about 200 ms when measured), so the doubling is read from the
      // second call on: after the n-th failure from there the next call waits at least
      // 50 ms * 2^(n-1), 1.6 s before the eighth call. A busy machine only lengthens the gaps.
      List<Long> calls = flaky.callNanos();
      assertThat(calls).hasSizeGreaterThan(7);
      List<Long> gapsMs = new java.util.ArrayList<>();
      for (int i = 1; i <= 7; i++) {
        gapsMs.add((calls.get(i) - calls.get(i - 1)) / 1_000_000);
      }
      for (int n = 1; n <= 6; n++) {
        assertThat(gapsMs.get(n))
            .as("wait after failure %d from the second call, of the gaps %s ms", n, gapsMs)
            .isGreaterThanOrEqualTo(50L * (1L << (n - 1)) - 2);
      }
    }
  }

  /** The Pipeline decision, after failing the first {@code failures} times as an outage would. */
  static final class FlakyPipelineController extends GrytController<Pipeline, PipelineStatus> {
    private final List<Long> callNanos;

    FlakyPipelineController(int failures) {
      this(failures, new AtomicInteger(), new java.util.concurrent.CopyOnWriteArrayList<>());
    }

    private FlakyPipelineController(int failures, AtomicInteger calls, List<Long> callNanos) {
      super(
          (pipeline, lookup, now) -> {
            callNanos.add(System.nanoTime());
            if (calls.incrementAndGet() <= failures) {
              throw new IllegalStateException("outage, call " + calls.get());
            }
            return new PipelineReconciler().reconcile(pipeline, lookup, now);
          },
          Clock.systemUTC());
      this.callNanos = callNanos;
    }

    /** When each call began ({@link System#nanoTime()}), in order. */
    List<Long> callNanos() {
      return List.copyOf(callNanos);
    }
  }

  @Test
  void watchingOneNamespaceReconcilesItsResources() {
    KubernetesOperator.Options options =
        KubernetesScenarioDriver.mockServerOptions().watchingNamespaces(ScenarioDriver.NAMESPACE);
    try (ScenarioDriver kubernetes = new KubernetesScenarioDriver(client, options)) {
      Scenarios.seed().runOn(kubernetes);
    }
  }

  @Test
  void withLeaderElectionItTakesTheLeaseReconcilesAndClosesWithoutExiting() {
    allowLeasesForEveryone();
    AtomicBoolean lostWhileRunning = new AtomicBoolean();
    KubernetesOperator.Options options =
        KubernetesScenarioDriver.mockServerOptions()
            .withLeaderElection(
                new KubernetesOperator.Lease(
                    "gryt-operator", "gryt", () -> lostWhileRunning.set(true)));
    try (ScenarioDriver kubernetes = new KubernetesScenarioDriver(client, options)) {
      Scenarios.seed().runOn(kubernetes);
      Lease lease = client.leases().inNamespace("gryt").withName("gryt-operator").get();
      assertThat(lease).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    }
    // Closing releases the Lease; that is not losing it (JOSDK's default would exit the JVM).
    assertThat(lostWhileRunning).isFalse();
  }

  /**
   * JOSDK checks that it may use Leases (a SelfSubjectRulesReview) before it campaigns; the mock
   * server's CRUD mode cannot answer that, so answer it as an API server granting the access would.
   */
  private void allowLeasesForEveryone() {
    SelfSubjectRulesReview review =
        new SelfSubjectRulesReviewBuilder()
            .withNewSpec()
            .withNamespace("gryt")
            .endSpec()
            .withNewStatus()
            .addNewResourceRule()
            .withApiGroups("coordination.k8s.io")
            .withResources("leases")
            .withVerbs("get", "create", "update", "patch", "list", "watch")
            .endResourceRule()
            .withIncomplete(false)
            .endStatus()
            .build();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, review)
        .always();
  }
}
