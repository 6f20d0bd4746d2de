package dev.gryt.operator.k8s;

import dev.gryt.operator.RepoProbe;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.git.JGitRepoProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private final AtomicBoolean closing;

  private KubernetesOperator(Operator operator, AtomicBoolean closing) {
    this.operator = operator;
    this.closing = closing;
  }

  /**
   * Registers a controller per kind and starts them (with leader election: once this replica holds
   * the Lease).
   *
   * @throws io.javaoperatorsdk.operator.OperatorException when the informers cannot start, e.g.
   *     because the CRDs are missing or access is denied
   */
  public static KubernetesOperator start(KubernetesClient client, Clock clock, Options options) {
    return start(client, clock, options, new JGitRepoProbe());
  }

  /** The same, probing GitHubRepos with {@code probe} (tests without network pass their own). */
  public static KubernetesOperator start(
      KubernetesClient client, Clock clock, Options options, RepoProbe probe) {
    return start(client, options, controllers(client, clock, probe, options.batchJobs()));
  }

  /** Starts the given controllers (tests pass their own). */
  static KubernetesOperator start(
      KubernetesClient client, Options options, List<GrytController<?, ?>> controllers) {
    AtomicBoolean closing = new AtomicBoolean();
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(options.useSsa());
              if (options.leaderElection() != null) {
                overrider.withLeaderElectionConfiguration(
                    leaderElection(options.leaderElection(), closing));
              }
            });
    for (GrytController<?, ?> controller : controllers) {
      operator.register(
          controller,
          overrider -> {
            watch(overrider, options.namespaces());
            overrider.withRetry(retryLikeTheStandaloneLoop());
          });
    }
    try {
      operator.start();
    } catch (RuntimeException e) {
      // Informers that did start would keep watching (and their threads running) for nobody.
      closing.set(true);
      operator.stop();
      throw e;
    }
    return new KubernetesOperator(operator, closing);
  }

  /**
   * JOSDK's own answer to a lost Lease is {@code System.exit}, also when the operator is merely
   * being closed; so it is switched off and {@link Lease#onLost} runs instead, only for a real
   * loss.
   */
  private static LeaderElectionConfiguration leaderElection(Lease lease, AtomicBoolean closing) {
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {},
            () -> {
              if (!closing.get()) {
                lease.onLost().run();
              }
            },
            leader -> {});
    return new LeaderElectionConfiguration(
        lease.name(),
        lease.namespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        callbacks,
        false);
  }

  private static List<GrytController<?, ?>> controllers(
      KubernetesClient client, Clock clock, RepoProbe probe, BatchJobOptions batchJobs) {
    return List.of(
        new PipelineController(clock),
        new GitHubRepoController(
            clock, probe, new RepoTokens(System::getenv, new SecretTokens(client), Set.of())),
        new JobController(clock),
        new WebhookController(clock),
        new JobRunController(clock, batchJobs));
  }

  /**
   * A failing reconcile is retried for as long as it fails, from 50 ms doubling up to 5 minutes, as
   * the standalone loop does. (JOSDK's default gives up after 5 attempts and then waits for the
   * next event, which for a transient outage may never come.)
   */
  private static GenericRetry retryLikeTheStandaloneLoop() {
    return new GenericRetry()
        .withoutMaxAttempts()
        .setInitialInterval(50)
        .setIntervalMultiplier(2)
        .setMaxInterval(Duration.ofMinutes(5).toMillis());
  }

  private static void watch(ControllerConfigurationOverrider<?> overrider, Set<String> namespaces) {
    if (namespaces.isEmpty()) {
      overrider.watchingAllNamespaces();
    } else {
      overrider.settingNamespaces(namespaces);
    }
  }

  /**
   * Whether the operator works: its informers are connected and watching. A replica waiting for the
   * Lease counts as healthy: it is a standby, not broken.
   */
  public boolean healthy() {
    var info = operator.getRuntimeInfo();
    return !info.isStarted() || info.allEventSourcesAreHealthy();
  }

  /** Stops every controller and informer; the client is left open. */
  @Override
  public void close() {
    closing.set(true);
    operator.stop();
  }

  /**
   * How the operator runs.
   *
   * @param namespaces namespaces to watch; empty for all
   * @param leaderElection the Lease replicas compete for; null to run without leader election
   * @param useSsa patch resources with server-side apply (what a real cluster wants; the fabric8
   *     mock server does not support it)
   * @param batchJobs how runs become batch/v1 Jobs (Kubernetes run mode); null leaves runs Pending
   *     for agents
   */
  public record Options(
      Set<String> namespaces, Lease leaderElection, boolean useSsa, BatchJobOptions batchJobs) {
    public Options {
      namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
    }

    /** All namespaces, no leader election, server-side apply, runs left to agents. */
    public static Options defaults() {
      return new Options(Set.of(), null, true, null);
    }

    public Options watchingNamespaces(String... namespaces) {
      return new Options(Set.of(namespaces), leaderElection, useSsa, batchJobs);
    }

    /** Competes for the Lease; a replica that loses it exits the process (status 1). */
    public Options withLeaderElection(String leaseName, String leaseNamespace) {
      return withLeaderElection(new Lease(leaseName, leaseNamespace, Lease::exitProcess));
    }

    public Options withLeaderElection(Lease lease) {
      return new Options(namespaces, lease, useSsa, batchJobs);
    }

    public Options withUseSsa(boolean useSsa) {
      return new Options(namespaces, leaderElection, useSsa, batchJobs);
    }

    /** Runs become batch/v1 Jobs made so. */
    public Options withBatchJobs(BatchJobOptions batchJobs) {
      return new Options(namespaces, leaderElection, useSsa, batchJobs);
    }
  }

  /**
   * The coordination.k8s.io/v1 Lease replicas compete for.
   *
   * @param onLost what a replica does when it loses the Lease while running: another replica may
   *     already be reconciling, so this one must stop at once; exiting (and being restarted by its
   *     Deployment) is the safe default
   */
  public record Lease(String name, String namespace, Runnable onLost) {
    public Lease {
      Objects.requireNonNull(name, "lease name");
      Objects.requireNonNull(namespace, "lease namespace");
      Objects.requireNonNull(onLost, "onLost");
    }

    static void exitProcess() {
      System.exit(1);
    }
  }
}
