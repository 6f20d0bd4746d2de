package dev.gryt.helm;

import static dev.gryt.helm.Chart.one;
import static dev.gryt.helm.WorkloadAssertions.assertLabelled;
import static dev.gryt.helm.WorkloadAssertions.assertWellFormedWorkload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChartRenderTest {
  private static final String APP_VERSION = "0.1.0";

  @Nested
  class DefaultValues {
    private final List<HasMetadata> objects = Chart.render();

    @Test
    void rendersTheOperatorTheServerAndTheirAccess() {
      assertThat(objects)
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .containsExactlyInAnyOrder(
              "ServiceAccount/gryt-operator",
              "ClusterRole/gryt-operator",
              "ClusterRoleBinding/gryt-operator",
              "Role/gryt-operator-leader-election",
              "RoleBinding/gryt-operator-leader-election",
              "Deployment/gryt-operator",
              "ServiceAccount/gryt-server",
              "Deployment/gryt-server",
              "Service/gryt-server");
    }

    @Test
    void everyObjectCarriesTheRecommendedLabels() {
      for (HasMetadata object : objects) {
        String component =
            object.getMetadata().getName().endsWith("server") ? "server" : "operator";
        assertLabelled(object, component, APP_VERSION);
      }
    }

    @Test
    void workloadsAreLabelledLimitedAndLockedDown() {
      assertWellFormedWorkload(
          one(objects, Deployment.class, "gryt-operator"), "operator", APP_VERSION);
      assertWellFormedWorkload(
          one(objects, Deployment.class, "gryt-server"), "server", APP_VERSION);
    }

    @Test
    void oneImageForEveryRoleFromTheChartAppVersion() {
      assertThat(Chart.ofType(objects, Deployment.class))
          .flatExtracting(d -> d.getSpec().getTemplate().getSpec().getContainers())
          .extracting(Container::getImage)
          .containsOnly("gryt:" + APP_VERSION);
    }

    @Test
    void operatorRunsWithLeaderElectionOnALeaseInTheReleaseNamespace() {
      Deployment operator = one(objects, Deployment.class, "gryt-operator");
      Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);

      assertThat(container.getCommand()).containsExactly("gryt", "operator");
      assertThat(container.getArgs())
          .containsExactly(
              "--lease-name=gryt-operator",
              "--lease-namespace=" + Chart.NAMESPACE,
              "--health-port=8081",
              "--run-mode=jobs",
              "--runner-image=gryt:" + APP_VERSION,
              "--run-ttl-seconds=3600",
              "--run-as-user=10001");
      // That the real CLI reads these as leader election on this Lease: ChartArgumentsTest.
      assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName())
          .isEqualTo("gryt-operator");
    }

    @Test
    void operatorProbesItsHealthEndpointOnItsOwnPort() {
      Container container =
          one(objects, Deployment.class, "gryt-operator")
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0);

      assertThat(container.getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getName()).isEqualTo("health");
                assertThat(p.getContainerPort()).isEqualTo(8081);
              });
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      for (Probe probe : List.of(container.getLivenessProbe(), container.getReadinessProbe())) {
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("health");
      }
    }

    @Test
    void serverListensOnAllAddressesWithTheDatabaseUrlFromASecret() {
      Deployment server = one(objects, Deployment.class, "gryt-server");
      Container container = server.getSpec().getTemplate().getSpec().getContainers().get(0);

      assertThat(container.getCommand()).containsExactly("gryt", "server");
      assertThat(container.getArgs())
          .containsExactly("--host=0.0.0.0", "--port=8080", "--db=$(DATABASE_URL)");
      EnvVar url = env(container, "DATABASE_URL");
      assertThat(url.getValue()).isNull();
      assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("gryt-database");
      assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
      assertThat(server.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
          .as("the server does not call the Kubernetes API")
          .isFalse();
    }

    @Test
    void serverProbesItsHealthEndpointOnItsOwnPort() {
      Container container =
          one(objects, Deployment.class, "gryt-server")
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0);

      assertThat(container.getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(8080);
              });
      for (Probe probe : List.of(container.getLivenessProbe(), container.getReadinessProbe())) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
      }
    }

    @Test
    void serviceSelectsTheServerPodsOnTheirHttpPort() {
      Service service = one(objects, Service.class, "gryt-server");
      Deployment server = one(objects, Deployment.class, "gryt-server");

      assertThat(server.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(service.getSpec().getSelector());
      assertThat(service.getSpec().getSelector())
          .containsEntry("app.kubernetes.io/component", "server");
      assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
      assertThat(service.getSpec().getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getPort()).isEqualTo(8080);
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
              });
    }

    @Test
    void operatorGetsTheLeastRightsItNeeds() {
      ClusterRole cluster = one(objects, ClusterRole.class, "gryt-operator");
      Set<String> expected = new TreeSet<>();
      for (String kind : List.of("pipelines", "githubrepos", "jobs", "webhooks", "jobruns")) {
        for (String resource : List.of(kind, kind + "/status")) {
          for (String verb : List.of("get", "list", "watch", "patch", "update")) {
            expected.add("gryt.io " + resource + " " + verb);
          }
        }
      }
      expected.add("gryt.io jobruns delete");
      expected.add(" secrets get");
      expected.add("authorization.k8s.io selfsubjectrulesreviews create");
      // Runs as batch Jobs (the default run mode).
      expected.add("gryt.io jobruns/finalizers update");
      for (String verb : List.of("get", "list", "watch", "create", "delete")) {
        expected.add("batch jobs " + verb);
      }
      for (String verb : List.of("get", "list", "watch")) {
        expected.add(" pods " + verb);
      }
      expected.add(" pods/log get");

      assertThat(grants(cluster.getRules())).containsExactlyElementsOf(expected);

      Role leases = one(objects, Role.class, "gryt-operator-leader-election");
      assertThat(leases.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
      assertThat(grants(leases.getRules()))
          .containsExactly(
              "coordination.k8s.io leases create",
              "coordination.k8s.io leases get",
              "coordination.k8s.io leases update");
    }

    @Test
    void bindingsGrantTheRolesToTheOperatorServiceAccount() {
      ClusterRoleBinding clusterBinding = one(objects, ClusterRoleBinding.class, "gryt-operator");
      RoleBinding binding = one(objects, RoleBinding.class, "gryt-operator-leader-election");
      ServiceAccount account = one(objects, ServiceAccount.class, "gryt-operator");

      assertThat(clusterBinding.getRoleRef().getName()).isEqualTo("gryt-operator");
      assertThat(binding.getRoleRef().getName()).isEqualTo("gryt-operator-leader-election");
      for (var subjects : List.of(clusterBinding.getSubjects(), binding.getSubjects())) {
        assertThat(subjects)
            .singleElement()
            .satisfies(
                s -> {
                  assertThat(s.getKind()).isEqualTo("ServiceAccount");
                  assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
                  assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
                });
      }
    }
  }

  @Nested
  class EveryOptionSwitched {
    private final List<HasMetadata> objects = Chart.renderWithValues("all-options.yaml");

    @Test
    void rendersTheIngressAndTheDatabaseSecretToo() {
      assertThat(objects)
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .containsExactlyInAnyOrder(
              "ServiceAccount/gryt-operator-sa",
              "ClusterRole/gryt-gryt-ci-operator",
              "ClusterRoleBinding/gryt-gryt-ci-operator",
              "Role/gryt-gryt-ci-operator-leader-election",
              "RoleBinding/gryt-gryt-ci-operator-leader-election",
              "Deployment/gryt-gryt-ci-operator",
              "ServiceAccount/gryt-server-sa",
              "Role/gryt-gryt-ci-server",
              "RoleBinding/gryt-gryt-ci-server",
              "Role/gryt-gryt-ci-server",
              "RoleBinding/gryt-gryt-ci-server",
              "Secret/gryt-gryt-ci-database",
              "Deployment/gryt-gryt-ci-server",
              "Service/gryt-gryt-ci-server",
              "Ingress/gryt-gryt-ci-server");
    }

    @Test
    void everyObjectCarriesTheRecommendedAndTheCommonLabels() {
      for (HasMetadata object : objects) {
        String name = object.getMetadata().getName();
        String component =
            name.contains("server") || name.contains("database") ? "server" : "operator";
        assertLabelled(object, component, "1.2.3");
        assertThat(object.getMetadata().getLabels())
            .containsEntry("team", "platform")
            .containsEntry("app.kubernetes.io/name", "gryt-ci");
      }
    }

    @Test
    void workloadsAreStillLabelledLimitedAndLockedDown() {
      for (Deployment deployment : Chart.ofType(objects, Deployment.class)) {
        String component =
            deployment.getMetadata().getName().endsWith("server") ? "server" : "operator";
        assertWellFormedWorkload(deployment, component, "1.2.3");
        assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
            .extracting(r -> r.getName())
            .containsExactly("regcred");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers())
            .extracting(Container::getImage, Container::getImagePullPolicy)
            .containsOnly(
                org.assertj.core.groups.Tuple.tuple("registry.example.com/gryt:1.2.3", "Always"));
      }
    }

    @Test
    void operatorTakesTheWatchedNamespacesLeaseProbesAndSchedulingOptions() {
      Deployment operator = one(objects, Deployment.class, "gryt-gryt-ci-operator");
      var pod = operator.getSpec().getTemplate().getSpec();
      Container container = pod.getContainers().get(0);

      assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
      assertThat(container.getArgs())
          .containsExactly(
              "--namespace=ci",
              "--namespace=builds",
              "--lease-name=gryt-leader",
              "--lease-namespace=" + Chart.NAMESPACE,
              "--no-server-side-apply",
              "--health-port=9091",
              "--run-mode=jobs",
              "--runner-image=registry.example.com/gryt:1.2.3",
              "--default-step-image=registry.example.com/build:latest",
              "--run-ttl-seconds=600",
              "--run-as-user=10001",
              "--run-writable-root-fs",
              "--run-service-account=gryt-runs",
              "--namespace=extra");
      assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(9091);
      assertThat(container.getLivenessProbe().getExec().getCommand()).isNotEmpty();
      assertThat(container.getLivenessProbe().getPeriodSeconds()).isEqualTo(30);
      assertThat(container.getReadinessProbe().getExec().getCommand()).isNotEmpty();
      assertThat(env(container, "EXTRA").getValue()).isEqualTo("1");
      assertThat(pod.getServiceAccountName()).isEqualTo("gryt-operator-sa");
      assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
      assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
      assertThat(pod.getTolerations())
          .singleElement()
          .extracting(t -> t.getKey())
          .isEqualTo("dedicated");
      assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
      assertThat(pod.getVolumes().get(0).getEmptyDir().getSizeLimit().toString()).isEqualTo("64Mi");
      assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry("tier", "control");
      assertThat(operator.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("example.com/scrape", "false");
    }

    @Test
    void serverReadsTheChartManagedSecretAndRestartsWhenItChanges() {
      Deployment server = one(objects, Deployment.class, "gryt-gryt-ci-server");
      Secret secret = one(objects, Secret.class, "gryt-gryt-ci-database");
      Container container = server.getSpec().getTemplate().getSpec().getContainers().get(0);

      assertThat(secret.getStringData())
          .containsEntry("jdbc", "jdbc:postgresql://db.ci.svc:5432/gryt?user=gryt&password=secret");
      var ref = env(container, "DATABASE_URL").getValueFrom().getSecretKeyRef();
      assertThat(ref.getName()).isEqualTo("gryt-gryt-ci-database");
      assertThat(ref.getKey()).isEqualTo("jdbc");
      assertThat(server.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsKey("checksum/database")
          .containsEntry("example.com/scrape", "true");
      assertThat(container.getArgs())
          .containsExactly(
              "--host=0.0.0.0",
              "--port=9090",
              "--db=kubernetes:ci,builds?sql=$(DATABASE_URL)",
              "--no-controller",
              "--apply=/tmp/examples");
      assertThat(container.getPorts())
          .singleElement()
          .extracting(p -> p.getContainerPort())
          .isEqualTo(9090);
      assertThat(server.getSpec().getReplicas()).isEqualTo(3);
      assertThat(server.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
          .isTrue();
    }

    @Test
    void ingressRoutesItsHostToTheServerServiceWithTls() {
      Ingress ingress = one(objects, Ingress.class, "gryt-gryt-ci-server");
      Service service = one(objects, Service.class, "gryt-gryt-ci-server");

      assertThat(service.getSpec().getType()).isEqualTo("NodePort");
      assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
      assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
      assertThat(ingress.getMetadata().getAnnotations())
          .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
      assertThat(ingress.getSpec().getTls())
          .singleElement()
          .satisfies(
              tls -> {
                assertThat(tls.getHosts()).containsExactly("gryt.ci.example.com");
                assertThat(tls.getSecretName()).isEqualTo("gryt-ci-tls");
              });
      var rule = ingress.getSpec().getRules().get(0);
      assertThat(rule.getHost()).isEqualTo("gryt.ci.example.com");
      var backend = rule.getHttp().getPaths().get(0).getBackend().getService();
      assertThat(backend.getName()).isEqualTo(service.getMetadata().getName());
      assertThat(backend.getPort().getName()).isEqualTo("http");
    }
  }

  @Nested
  class RunModes {
    @Test
    void withRunsLeftToAgentsTheOperatorGetsNoRightsOnJobsOrPods() {
      List<HasMetadata> objects = Chart.render(t -> t.set("operator.runs.mode", "none"));

      Container container =
          one(objects, Deployment.class, "gryt-operator")
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0);
      assertThat(container.getArgs())
          .contains("--run-mode=none")
          .noneMatch(a -> a.startsWith("--runner-image") || a.startsWith("--run-ttl"));
      assertThat(grants(one(objects, ClusterRole.class, "gryt-operator").getRules()))
          .noneMatch(g -> g.startsWith("batch ") || g.startsWith(" pods"))
          .doesNotContain("gryt.io jobruns/finalizers update");
    }

    @Test
    void anUnknownRunModeFailsTheRenderingWithTheChoices() {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Chart.render(t -> t.set("operator.runs.mode", "agents")))
          .hasMessageContaining("operator.runs.mode must be jobs or none");
    }
  }

  @Nested
  class KubernetesStorage {
    private final List<HasMetadata> objects =
        Chart.render(t -> t.set("server.storage", "kubernetes"));

    @Test
    void serverKeepsTheResourcesAsCustomResourcesOfItsNamespaceAndTheRestInPostgres() {
      Deployment server = one(objects, Deployment.class, "gryt-server");
      Container container = server.getSpec().getTemplate().getSpec().getContainers().get(0);

      assertThat(container.getArgs())
          .containsExactly(
              "--host=0.0.0.0",
              "--port=8080",
              "--db=kubernetes:default?sql=$(DATABASE_URL)",
              "--no-controller");
      assertThat(env(container, "DATABASE_URL").getValueFrom().getSecretKeyRef().getName())
          .isEqualTo("gryt-database");
      assertThat(server.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
          .as("the store calls the Kubernetes API")
          .isTrue();
      assertThat(
              one(objects, ServiceAccount.class, "gryt-server").getAutomountServiceAccountToken())
          .isTrue();
    }

    @Test
    void serverGetsTheLeastRightsItsStoreNeedsInTheServedNamespaceOnly() {
      Role role = one(objects, Role.class, "gryt-server");

      assertThat(role.getMetadata().getNamespace())
          .as("resources applied without a namespace land in default")
          .isEqualTo("default");
      assertThat(grants(role.getRules())).containsExactlyElementsOf(storageGrants());
      assertThat(Chart.ofType(objects, ClusterRole.class))
          .extracting(r -> r.getMetadata().getName())
          .as("no cluster-wide rights for the server")
          .containsExactly("gryt-operator");
      RoleBinding binding = one(objects, RoleBinding.class, "gryt-server");
      assertThat(binding.getRoleRef().getName()).isEqualTo("gryt-server");
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo("gryt-server");
                assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
              });
      assertThat(binding.getMetadata().getNamespace()).isEqualTo("default");
      for (HasMetadata object : List.of(role, binding)) {
        assertLabelled(object, "server", APP_VERSION);
      }
    }

    @Test
    void eachServedNamespaceGetsItsRoleAndNoneServesAllWithAClusterRole() {
      List<HasMetadata> two = Chart.renderWithValues("storage-two-namespaces.yaml");
      assertThat(Chart.ofType(two, RoleBinding.class))
          .filteredOn(b -> b.getMetadata().getName().equals("gryt-server"))
          .extracting(b -> b.getMetadata().getNamespace())
          .containsExactlyInAnyOrder("default", "team-a");
      assertThat(serverArgs(two)).contains("--db=kubernetes:default,team-a?sql=$(DATABASE_URL)");

      List<HasMetadata> all = Chart.renderWithValues("storage-all-namespaces.yaml");
      assertThat(Chart.ofType(all, Role.class))
          .extracting(r -> r.getMetadata().getName())
          .doesNotContain("gryt-server");
      assertThat(grants(one(all, ClusterRole.class, "gryt-server").getRules()))
          .containsExactlyElementsOf(storageGrants());
      assertThat(one(all, ClusterRoleBinding.class, "gryt-server").getSubjects())
          .singleElement()
          .satisfies(s -> assertThat(s.getName()).isEqualTo("gryt-server"));
      assertThat(serverArgs(all)).contains("--db=kubernetes:?sql=$(DATABASE_URL)");
    }

    private static List<String> serverArgs(List<HasMetadata> objects) {
      return one(objects, Deployment.class, "gryt-server")
          .getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .get(0)
          .getArgs();
    }

    private static Set<String> storageGrants() {
      Set<String> expected = new TreeSet<>();
      for (String kind : List.of("pipelines", "githubrepos", "jobs", "webhooks", "jobruns")) {
        for (String verb : List.of("get", "list", "watch", "create", "update", "delete")) {
          expected.add("gryt.io " + kind + " " + verb);
        }
        expected.add("gryt.io " + kind + "/status get");
        expected.add("gryt.io " + kind + "/status update");
      }
      return expected;
    }

    @Test
    void withoutTheOperatorTheServersOwnLoopReconcilesTheCustomResources() {
      List<HasMetadata> serverOnly =
          Chart.render(t -> t.set("server.storage", "kubernetes").set("operator.enabled", false));

      Container container =
          one(serverOnly, Deployment.class, "gryt-server")
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0);
      assertThat(container.getArgs()).doesNotContain("--no-controller");
      assertThat(one(serverOnly, Role.class, "gryt-server")).isNotNull();
    }

    @Test
    void anUnknownStorageFailsTheRenderingWithTheChoices() {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Chart.render(t -> t.set("server.storage", "etcd")))
          .hasMessageContaining("server.storage must be postgresql or kubernetes, not \"etcd\"");
    }
  }

  @Nested
  class ComponentsSwitchedOff {
    @Test
    void serverOnlyRendersNoOperatorNorItsRights() {
      List<HasMetadata> objects = Chart.render(t -> t.set("operator.enabled", false));

      assertThat(objects)
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .containsExactlyInAnyOrder(
              "ServiceAccount/gryt-server", "Deployment/gryt-server", "Service/gryt-server");
    }

    @Test
    void operatorOnlyRendersNoServer() {
      List<HasMetadata> objects =
          Chart.render(t -> t.set("server.enabled", false).set("server.ingress.enabled", true));

      assertThat(objects)
          .extracting(o -> o.getMetadata().getName())
          .noneMatch(n -> n.contains("server") || n.contains("database"));
    }

    @Test
    void existingServiceAccountsAreUsedNotCreated() {
      List<HasMetadata> objects =
          Chart.render(
              t ->
                  t.set("operator.serviceAccount.create", false)
                      .set("operator.serviceAccount.name", "ops")
                      .set("server.serviceAccount.create", false)
                      .set("server.serviceAccount.name", "api")
                      .set("operator.rbac.create", false));

      assertThat(Chart.ofType(objects, ServiceAccount.class)).isEmpty();
      assertThat(Chart.ofType(objects, ClusterRole.class)).isEmpty();
      assertThat(Chart.ofType(objects, Deployment.class))
          .extracting(d -> d.getSpec().getTemplate().getSpec().getServiceAccountName())
          .containsExactlyInAnyOrder("ops", "api");
    }
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
  }

  /** "apiGroup resource verb" for every grant of the rules, sorted. */
  private static Set<String> grants(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add(group + " " + resource + " " + verb);
          }
        }
      }
    }
    return grants;
  }
}
