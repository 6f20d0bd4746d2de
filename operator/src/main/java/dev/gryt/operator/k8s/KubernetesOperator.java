package dev.gryt.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Kubernetes driver: every gryt kind's reconciler run by the Java Operator SDK against the
 * cluster's {@code gryt.io/v1} custom resources, reading what they refer to from informer caches
 * and writing status through the status subresource.
 *
 * <p>The CRDs must be installed first (the Helm chart does it); starting fails otherwise. The
 * client stays the caller's: {@link #close()} stops the controllers, not the client.
 */
public final class KubernetesOperator implements AutoCloseable {
  private final Operator operator;

  private KubernetesOperator(Operator operator) {
    this.operator = operator;
  }

  /**
   * Registers a controller per kind and starts them (with leader election: once this replica holds
   * the Lease).
   *
   * @throws io.javaoperatorsdk.operator.OperatorException when the informers cannot start, e.g.
   *     because the CRDs are missing or access is denied
   */
  public static KubernetesOperator start(KubernetesClient client, Clock clock, Options options) {
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(options.useSsa());
              if (options.leaderElection() != null) {
                overrider.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        options.leaderElection().name(), options.leaderElection().namespace()));
              }
            });
    for (GrytController<?, ?> controller : controllers(clock)) {
      operator.register(controller, overrider -> watch(overrider, options.namespaces()));
    }
    operator.start();
    return new KubernetesOperator(operator);
  }

  private static List<GrytController<?, ?>> controllers(Clock clock) {
    return List.of(
        new PipelineController(clock),
        new GitHubRepoController(clock),
        new JobController(clock),
        new WebhookController(clock),
        new JobRunController(clock));
  }

  private static void watch(ControllerConfigurationOverrider<?> overrider, Set<String> namespaces) {
    if (namespaces.isEmpty()) {
      overrider.watchingAllNamespaces();
    } else {
      overrider.settingNamespaces(namespaces);
    }
  }

  /** Stops every controller and informer; the client is left open. */
  @Override
  public void close() {
    operator.stop();
  }

  /**
   * How the operator runs.
   *
   * @param namespaces namespaces to watch; empty for all
   * @param leaderElection the Lease replicas compete for; null to run without leader election
   * @param useSsa patch resources with server-side apply (what a real cluster wants; the fabric8
   *     mock server does not support it)
   */
  public record Options(Set<String> namespaces, Lease leaderElection, boolean useSsa) {
    public Options {
      namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
    }

    /** All namespaces, no leader election, server-side apply. */
    public static Options defaults() {
      return new Options(Set.of(), null, true);
    }

    public Options watchingNamespaces(String... namespaces) {
      return new Options(Set.of(namespaces), leaderElection, useSsa);
    }

    public Options withLeaderElection(String leaseName, String leaseNamespace) {
      return new Options(namespaces, new Lease(leaseName, leaseNamespace), useSsa);
    }

    public Options withUseSsa(boolean useSsa) {
      return new Options(namespaces, leaderElection, useSsa);
    }
  }

  /** A coordination.k8s.io/v1 Lease by name and namespace. */
  public record Lease(String name, String namespace) {
    public Lease {
      Objects.requireNonNull(name, "lease name");
      Objects.requireNonNull(namespace, "lease namespace");
    }
  }
}
