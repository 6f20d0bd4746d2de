package dev.gryt.cli.server;

import dev.gryt.cli.CliException;
import dev.gryt.operator.k8s.KubernetesOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    KubernetesClient client = new KubernetesClientBuilder().build();
    KubernetesOperator.Options options =
        KubernetesOperator.Options.defaults()
            .watchingNamespaces(namespaces.toArray(String[]::new))
            .withUseSsa(!noServerSideApply);
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
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (closed.compareAndSet(false, true)) {
            operator.close();
            client.close();
            stopped.countDown();
          }
        };
    Thread hook = new Thread(stop, "gryt-operator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "gryt operator reconciling "
            + (namespaces.isEmpty() ? "all namespaces" : String.join(", ", namespaces))
            + " on "
            + client.getMasterUrl()
            + " (Ctrl-C stops it)");
    out.flush();
    try {
      stopped.await();
    } finally {
      // Interrupted (an embedding caller stopping us) rather than Ctrl-C: stop the same way.
      stop.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
    return 0;
  }
}
