package dev.gryt.cli.server;

import dev.gryt.cli.CliException;
import dev.gryt.cli.Foreground;
import dev.gryt.cli.VersionProvider;
import dev.gryt.operator.k8s.BatchJobOptions;
import dev.gryt.operator.k8s.KubernetesOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gryt operator}: the Kubernetes driver in the foreground. It finds the cluster as kubectl
 * does (in-cluster service account, else {@code KUBECONFIG} / {@code ~/.kube/config}) and
 * reconciles the {@code gryt.io/v1} custom resources there with the same reconcilers {@code gryt
 * server} runs on SQL.
 */
@Command(name = "operator", description = "Reconcile gryt.io resources on a Kubernetes cluster.")
public final class OperatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace to watch (repeatable; default: all namespaces).")
  List<String> namespaces = List.of();

  @Option(
      names = "--no-leader-election",
      description = "Do not compete for a Lease (by default one replica reconciles at a time).")
  boolean noLeaderElection;

  @Option(names = "--lease-name", defaultValue = "gryt-operator", description = "Lease name.")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      description = "Namespace of the Lease (default: the client's namespace).")
  String leaseNamespace;

  @Option(
      names = "--no-server-side-apply",
      description = "Patch with JSON merge patches instead of server-side apply.")
  boolean noServerSideApply;

  /** Where runs go. */
  enum RunMode {
    /** Each JobRun becomes a batch/v1 Job in its namespace. */
    jobs,
    /** Runs stay Pending for agents placed by something else. */
    none
  }

  @Option(
      names = "--run-mode",
      defaultValue = "jobs",
      description = "jobs: each JobRun becomes a batch/v1 Job; none: runs wait for agents.")
  RunMode runMode;

  @Option(
      names = "--runner-image",
      paramLabel = "IMAGE",
      description =
          "The gryt image run pods copy gryt-step-runner from and check out with"
              + " (default: gryt:<this version>).")
  String runnerImage;

  @Option(
      names = "--default-step-image",
      paramLabel = "IMAGE",
      description = "Image of steps whose step and pipeline name none (default: the runner image).")
  String defaultStepImage;

  @Option(
      names = "--run-ttl-seconds",
      defaultValue = "3600",
      description = "Seconds a finished batch Job and its pod (and logs) are kept.")
  int runTtlSeconds;

  @Option(
      names = "--run-as-user",
      defaultValue = "10001",
      description = "Non-root user id of run pods.")
  long runAsUser;

  @Option(
      names = "--run-writable-root-fs",
      description = "Give step containers a writable root filesystem (some build tools need it).")
  boolean runWritableRootFs;

  @Option(
      names = "--run-service-account",
      paramLabel = "NAME",
      description = "ServiceAccount of run pods (default: none mounted).")
  String runServiceAccount;

  @Option(
      names = "--health-port",
      defaultValue = "-1",
      description =
          "Serve GET /healthz and /readyz for the kubelet on this port (0: any free port;"
              + " default: off).")
  int healthPort;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    KubernetesClient client = new KubernetesClientBuilder().build();
    KubernetesOperator.Options options =
        KubernetesOperator.Options.defaults()
            .watchingNamespaces(namespaces.toArray(String[]::new))
            .withUseSsa(!noServerSideApply);
    if (runMode == RunMode.jobs) {
      String image = runnerImage != null ? runnerImage : "gryt:" + VersionProvider.version();
      options =
          options.withBatchJobs(
              BatchJobOptions.withRunnerImage(image)
                  .withDefaultImage(defaultStepImage != null ? defaultStepImage : image)
                  .withTtlSecondsAfterFinished(runTtlSeconds)
                  .withRunAsUser(runAsUser)
                  .withReadOnlyRootFilesystem(!runWritableRootFs)
                  .withServiceAccountName(runServiceAccount));
    }
    if (!noLeaderElection) {
      String ns = leaseNamespace != null ? leaseNamespace : client.getNamespace();
      options = options.withLeaderElection(leaseName, ns == null ? "default" : ns);
    }
    KubernetesOperator operator;
    try {
      operator = KubernetesOperator.start(client, Clock.systemUTC(), options);
    } catch (RuntimeException e) {
      client.close();
      throw new CliException(
          "cannot start the operator against "
              + client.getMasterUrl()
              + ": "
              + RootCause.oneLine(e)
              + " (check the kubeconfig, and that the CRDs are installed: kubectl apply -f crds/)",
          e);
    }
    HealthEndpoint health = null;
    if (healthPort >= 0) {
      try {
        health = HealthEndpoint.start(healthPort, operator::healthy);
      } catch (IOException e) {
        operator.close();
        client.close();
        throw new CliException(
            "cannot serve the health endpoint on port "
                + healthPort
                + ": "
                + e.getMessage()
                + " (pick a free port with --health-port)",
            e);
      }
    }
    HealthEndpoint probes = health;
    Foreground foreground =
        Foreground.stopOnExit(
            "gryt-operator",
            () -> {
              if (probes != null) {
                probes.close();
              }
              operator.close();
              client.close();
            });
    out.println(
        "gryt operator reconciling "
            + (namespaces.isEmpty() ? "all namespaces" : String.join(", ", namespaces))
            + (options.batchJobs() == null
                ? ", runs left to agents"
                : ", runs as batch Jobs with " + options.batchJobs().runnerImage())
            + " on "
            + client.getMasterUrl()
            + " (Ctrl-C stops it)");
    if (probes != null) {
      out.println("probes: http://0.0.0.0:" + probes.port() + "/healthz and /readyz");
    }
    out.flush();
    try {
      foreground.await();
    } catch (InterruptedException e) {
      // Interrupted (an embedding caller stopping us) rather than Ctrl-C: a stop asked for, so it
      // ends as Ctrl-C does, exit 0 (the flag kept for the caller).
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
