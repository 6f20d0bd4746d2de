package dev.gryt.helm;

import static dev.gryt.helm.Chart.one;
import static dev.gryt.helm.WorkloadAssertions.assertLabelled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The chart's optional standalone agents, switched on and off, with each source of certificates.
 */
class ChartAgentsTest {
  private static final String APP_VERSION = "0.1.0";

  static List<HasMetadata> withAgents(String... more) {
    return Chart.render(
        t -> {
          var options = t.set("agents.enabled", true);
          for (int i = 0; i + 1 < more.length; i += 2) {
            options = options.set(more[i], more[i + 1]);
          }
          return options;
        });
  }

  static Container container(PodSpec pod) {
    return pod.getContainers().get(0);
  }

  @Nested
  class FromSecrets {
    private final List<HasMetadata> objects = withAgents();
    private final StatefulSet agents = one(objects, StatefulSet.class, "gryt-agent");
    private final PodSpec pod = agents.getSpec().getTemplate().getSpec();

    @Test
    void aStatefulSetOfAgentsBehindAHeadlessServiceWithNoApiToken() {
      assertThat(objects)
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .contains("ServiceAccount/gryt-agent", "Service/gryt-agent", "StatefulSet/gryt-agent")
          .noneMatch(name -> name.startsWith("Certificate/"));
      assertThat(agents.getSpec().getReplicas()).isEqualTo(2);
      assertThat(agents.getSpec().getServiceName()).isEqualTo("gryt-agent");
      assertThat(one(objects, Service.class, "gryt-agent").getSpec().getClusterIP())
          .isEqualTo("None");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(one(objects, ServiceAccount.class, "gryt-agent").getAutomountServiceAccountToken())
          .isFalse();
      assertThat(pod.getServiceAccountName()).isEqualTo("gryt-agent");
      assertThat(Chart.ofType(objects, io.fabric8.kubernetes.api.model.rbac.RoleBinding.class))
          .as("no rights are bound to the agents")
          .noneMatch(b -> b.getSubjects().stream().anyMatch(s -> "gryt-agent".equals(s.getName())));
      for (HasMetadata object : objects) {
        if (object.getMetadata().getName().equals("gryt-agent")) {
          assertLabelled(object, "agent", APP_VERSION);
        }
      }
    }

    @Test
    void agentsServeMutualTlsFromTheSecretLockedDown() {
      Container agent = container(pod);
      assertThat(agent.getCommand()).containsExactly("gryt", "agent");
      assertThat(agent.getArgs())
          .contains(
              "--host=0.0.0.0",
              "--port=8443",
              "--tls-cert=/etc/gryt/tls/tls.crt",
              "--tls-key=/etc/gryt/tls/tls.key",
              "--ca=/etc/gryt/tls/ca.crt",
              "--capacity=2",
              "--runner=sandbox",
              "--work-dir=/work");
      Volume tls =
          pod.getVolumes().stream()
              .filter(v -> v.getName().equals("tls"))
              .findFirst()
              .orElseThrow();
      assertThat(tls.getSecret().getSecretName()).isEqualTo("gryt-agent-tls");
      assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(agent.getResources().getLimits()).containsKeys("cpu", "memory");
    }

    @Test
    void theServerDialsEachAgentWithItsClientCertificateAndRunsNoAgentOfItsOwn() {
      PodSpec server =
          one(objects, Deployment.class, "gryt-server").getSpec().getTemplate().getSpec();
      assertThat(container(server).getArgs())
          .contains(
              "--agents=0",
              "--agent=https://gryt-agent-0.gryt-agent.gryt-system.svc:8443",
              "--agent=https://gryt-agent-1.gryt-agent.gryt-system.svc:8443",
              "--agent-cert=/etc/gryt/agent-client/tls.crt",
              "--agent-key=/etc/gryt/agent-client/tls.key",
              "--agent-ca=/etc/gryt/agent-client/ca.crt",
              "--advertise-url=http://gryt-server.gryt-system.svc:8080");
      assertThat(server.getVolumes())
          .filteredOn(v -> v.getName().equals("agent-client"))
          .singleElement()
          .satisfies(
              v -> assertThat(v.getSecret().getSecretName()).isEqualTo("gryt-agent-client-tls"));
    }

    @Test
    void replicasAndPortAreTheValues() {
      List<HasMetadata> three = withAgents("agents.replicas", "3", "agents.port", "9443");
      assertThat(one(three, StatefulSet.class, "gryt-agent").getSpec().getReplicas()).isEqualTo(3);
      assertThat(
              container(
                      one(three, Deployment.class, "gryt-server").getSpec().getTemplate().getSpec())
                  .getArgs())
          .filteredOn(a -> a.startsWith("--agent=https://"))
          .containsExactly(
              "--agent=https://gryt-agent-0.gryt-agent.gryt-system.svc:9443",
              "--agent=https://gryt-agent-1.gryt-agent.gryt-system.svc:9443",
              "--agent=https://gryt-agent-2.gryt-agent.gryt-system.svc:9443");
    }
  }

  @Nested
  class FromCertManager {
    private final List<HasMetadata> objects =
        withAgents(
            "agents.tls.source", "cert-manager",
            "agents.tls.certManager.issuerRef.name", "gryt-ca");

    @Test
    @SuppressWarnings("unchecked")
    void asksCertManagerForTheAgentsAndTheServersCertificates() {
      List<GenericKubernetesResource> certificates =
          Chart.ofType(objects, GenericKubernetesResource.class).stream()
              .filter(o -> o.getKind().equals("Certificate"))
              .toList();
      assertThat(certificates)
          .extracting(c -> c.getMetadata().getName())
          .containsExactlyInAnyOrder("gryt-agent", "gryt-agent-client");
      GenericKubernetesResource agent =
          certificates.stream()
              .filter(c -> c.getMetadata().getName().equals("gryt-agent"))
              .findFirst()
              .orElseThrow();
      Map<String, Object> spec = (Map<String, Object>) agent.getAdditionalProperties().get("spec");
      assertThat(spec.get("secretName")).isEqualTo("gryt-agent-tls");
      assertThat((List<Object>) spec.get("dnsNames"))
          .contains("*.gryt-agent.gryt-system.svc", "*.gryt-agent.gryt-system.svc.cluster.local");
      assertThat(((Map<?, ?>) spec.get("issuerRef")).get("name")).isEqualTo("gryt-ca");
      PodSpec server =
          one(objects, Deployment.class, "gryt-server").getSpec().getTemplate().getSpec();
      assertThat(server.getVolumes())
          .filteredOn(v -> v.getName().equals("agent-client"))
          .singleElement()
          .satisfies(
              v -> assertThat(v.getSecret().getSecretName()).isEqualTo("gryt-agent-client-tls"));
    }

    @Test
    void withoutAnIssuerTheRenderingFailsNamingIt() {
      assertThatThrownBy(() -> withAgents("agents.tls.source", "cert-manager"))
          .hasMessageContaining("agents.tls.certManager.issuerRef.name is required");
    }
  }

  @Nested
  class Refused {
    @Test
    void agentsAndTheOperatorsJobsOnAKubernetesStoreCannotBothTakeRuns() {
      assertThatThrownBy(() -> withAgents("server.storage", "kubernetes"))
          .hasMessageContaining("agents.enabled and the operator (operator.runs.mode jobs)")
          .hasMessageContaining("operator.enabled=false");
      assertThat(withAgents("server.storage", "kubernetes", "operator.enabled", "false"))
          .as("without the operator, the server's controller places runs on the agents")
          .anyMatch(o -> o instanceof StatefulSet);
    }

    @Test
    void agentsWithoutTheServersControllerOrWithAnUnknownSourceFail() {
      assertThatThrownBy(() -> withAgents("server.controller", "false"))
          .hasMessageContaining("agents.enabled needs server.controller: true");
      assertThatThrownBy(() -> withAgents("agents.tls.source", "vault"))
          .hasMessageContaining("agents.tls.source must be secret or cert-manager, not \"vault\"");
    }

    @Test
    void switchedOffThereIsNoAgentAndTheServerKeepsItsOwn() {
      List<HasMetadata> objects = Chart.render();
      assertThat(objects).noneMatch(o -> o.getMetadata().getName().startsWith("gryt-agent"));
      assertThat(
              container(
                      one(objects, Deployment.class, "gryt-server")
                          .getSpec()
                          .getTemplate()
                          .getSpec())
                  .getArgs())
          .noneMatch(a -> a.startsWith("--agent"));
    }
  }
}
