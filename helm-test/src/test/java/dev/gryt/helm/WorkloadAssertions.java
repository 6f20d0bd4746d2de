package dev.gryt.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;

/** What a cluster admin expects of every gryt workload the chart renders. */
final class WorkloadAssertions {
  static final List<String> RECOMMENDED_LABELS =
      List.of(
          "app.kubernetes.io/name",
          "app.kubernetes.io/instance",
          "app.kubernetes.io/component",
          "app.kubernetes.io/version");

  private WorkloadAssertions() {}

  static void assertLabelled(HasMetadata object, String component, String version) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String what = object.getKind() + " " + object.getMetadata().getName();
    assertThat(labels).as(what).containsKeys(RECOMMENDED_LABELS.toArray(String[]::new));
    assertThat(labels)
        .as(what)
        .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
        .containsEntry("app.kubernetes.io/component", component)
        .containsEntry("app.kubernetes.io/version", version)
        .containsEntry("app.kubernetes.io/managed-by", "Helm");
  }

  /** Labels, selector, resources, security context and the writable /tmp of a Deployment. */
  static void assertWellFormedWorkload(Deployment deployment, String component, String version) {
    assertLabelled(deployment, component, version);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsKeys(RECOMMENDED_LABELS.toArray(String[]::new));
    assertThat(podLabels).containsEntry("app.kubernetes.io/component", component);
    assertThat(podLabels)
        .as("pods match their Deployment's selector")
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .as("the selector omits the version, so upgrades keep it")
        .doesNotContainKey("app.kubernetes.io/version");

    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Volume tmp =
        pod.getVolumes().stream().filter(v -> "tmp".equals(v.getName())).findFirst().orElseThrow();
    assertThat(tmp.getEmptyDir()).as("/tmp is a writable emptyDir").isNotNull();

    assertThat(pod.getContainers()).isNotEmpty();
    for (Container container : pod.getContainers()) {
      String what = deployment.getMetadata().getName() + "/" + container.getName();
      Map<String, Quantity> requests = container.getResources().getRequests();
      Map<String, Quantity> limits = container.getResources().getLimits();
      assertThat(requests).as(what + " requests").containsKeys("cpu", "memory");
      assertThat(limits).as(what + " limits").containsKeys("cpu", "memory");

      assertThat(container.getLivenessProbe()).as(what + " liveness probe").isNotNull();
      assertThat(container.getReadinessProbe()).as(what + " readiness probe").isNotNull();

      SecurityContext security = container.getSecurityContext();
      assertThat(security.getReadOnlyRootFilesystem()).as(what).isTrue();
      assertThat(security.getAllowPrivilegeEscalation()).as(what).isFalse();
      assertThat(security.getPrivileged()).as(what).isFalse();
      assertThat(security.getCapabilities().getDrop()).as(what).containsExactly("ALL");
      assertThat(security.getCapabilities().getAdd()).as(what).isNullOrEmpty();

      assertThat(container.getVolumeMounts())
          .as(what + " mounts the writable /tmp")
          .anySatisfy(
              m -> {
                assertThat(m.getName()).isEqualTo("tmp");
                assertThat(m.getMountPath()).isEqualTo("/tmp");
              });
    }
  }
}
