package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.Pipeline;
import dev.gryt.store.k8s.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every {@link ApiServerIT} test again with the resources in Kubernetes (fabric8's mock API server
 * in CRUD mode, with the generated CRDs) and the rest in SQLite, opened from a {@code kubernetes:}
 * store URL as {@code gryt server --db} opens it: the same plans (created, configured, unchanged,
 * pruned) and the same answers as on SQLite and PostgreSQL.
 */
@EnableKubernetesMockClient(crud = true)
class ApiServerKubernetesIT extends ApiServerIT {
  KubernetesClient client;

  @Override
  String storeUrl() {
    MockCluster.installCrds(client);
    MockCluster.pointClientsAt(client);
    return "kubernetes:?sql=sqlite:" + dir.resolve("gryt.db");
  }

  /** A dry run on Kubernetes writes no custom resource either. */
  @Test
  @Override
  void dryRunPlansButWritesNothing() throws Exception {
    long before = store.resourceVersion();
    JsonNode reply = apply(Files.readString(Path.of(INFRA)), "?dryRun=true");

    assertThat(reply.get("data").get("dry_run").asBoolean()).isTrue();
    assertThat(reply.get("data").get("results").findValuesAsText("action")).containsOnly("created");
    assertThat(store.resourceVersion()).isEqualTo(before);
    assertThat(client.resources(Pipeline.class).inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void appliedResourcesAreCustomResourcesKubectlSees() throws Exception {
    JsonNode reply = apply(Files.readString(Path.of(INFRA)), "");

    Pipeline inCluster =
        client.resources(Pipeline.class).inNamespace("default").withName("test-and-build").get();
    assertThat(inCluster).isNotNull();
    assertThat(inCluster.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(inCluster.id())
        .isEqualTo(reply.get("data").get("results").get(0).get("id").asText());
  }

  @Test
  void aChangeMadeWithKubectlIsWhatTheNextApplyPlansAgainst() throws Exception {
    String yaml = Files.readString(Path.of(INFRA));
    apply(yaml, "");
    Pipeline edited =
        client.resources(Pipeline.class).inNamespace("default").withName("test-and-build").get();
    edited.getSpec().steps.get(0).command = "changed with kubectl";
    client.resource(edited).update();

    JsonNode again = apply(yaml, "");

    JsonNode pipeline = again.get("data").get("results").get(0);
    assertThat(pipeline.get("action").asText()).isEqualTo("configured");
    assertThat(pipeline.get("diff").get(0).get("old").asText()).isEqualTo("changed with kubectl");
    assertThat(again.get("data").get("results").findValuesAsText("action"))
        .containsOnly("configured", "unchanged");
  }

  @Test
  void aResourceOutsideTheServedNamespaceIsAClientError() throws Exception {
    store.close();
    server.close();
    store = dev.gryt.store.StoreFactory.open("kubernetes:team-a?sql=sqlite:" + dir.resolve("b.db"));
    server = ApiServer.start(store, "127.0.0.1", 0);

    var reply = post("/api/v1/apply", Files.readString(Path.of(INFRA)), "application/yaml");

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(422);
    assertThat(reply.body()).contains("namespace default is not served here");
    assertThat(client.resources(Pipeline.class).inAnyNamespace().list().getItems()).isEmpty();
  }
}
