package dev.gryt.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.cli.CliRun;
import dev.gryt.crds.Condition;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.manifest.ManifestParser;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gryt operator} against fabric8's mock API server (CRUD mode) with the CRDs of crds/. */
@EnableKubernetesMockClient(crud = true)
class OperatorCommandIT {
  private static final List<String> PROPERTIES =
      List.of(
          "kubernetes.master",
          "kubernetes.trust.certificates",
          "kubernetes.auth.tryKubeConfig",
          "kubernetes.auth.tryServiceAccount",
          "kubernetes.namespace");

  KubernetesClient client;
  @TempDir Path home;

  @AfterEach
  void clearProperties() {
    PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void reconcilesTheExamplesToReadyAndStopsWhenAsked() throws Exception {
    for (Path crd : crdFiles()) {
      client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
    }
    System.setProperty("kubernetes.master", client.getMasterUrl().toString());
    System.setProperty("kubernetes.trust.certificates", "true");
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("kubernetes.namespace", "default");

    try (CliRun.Background operator =
        new CliRun(home)
            .start(
                "operator",
                "--no-leader-election",
                "--no-server-side-apply",
                "--runner-image=gryt:test",
                "--health-port=0")) {
      byte[] yaml = Files.readAllBytes(repo().resolve("examples/infra.yaml"));
      ManifestParser.parse("infra.yaml", yaml)
          .manifests()
          .forEach(m -> client.resource(m.resource()).inNamespace("default").create());

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Pipeline p =
                    client
                        .resources(Pipeline.class)
                        .inNamespace("default")
                        .withName("test-and-build")
                        .get();
                assertThat(p.getStatus())
                    .as("operator said: %s %s", operator.out(), operator.err())
                    .isNotNull();
                assertThat(p.getStatus().condition(Condition.READY).orElseThrow().status)
                    .isEqualTo("True");
              });
      // The operator may reconcile before it prints that it started.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(operator.outLines())
                      .anySatisfy(
                          l -> assertThat(l).startsWith("gryt operator reconciling all namespaces"))
                      .anySatisfy(l -> assertThat(l).startsWith("probes: ")));

      // Runs become batch Jobs (the default run mode) with the runner image given.
      ManifestParser.parse(
              "run.yaml",
              "apiVersion: gryt.io/v1\nkind: JobRun\nmetadata: {name: run-1}\nspec: {job_name: my-app-ci, trigger: manual}\n"
                  .getBytes(StandardCharsets.UTF_8))
          .manifests()
          .forEach(m -> client.resource(m.resource()).inNamespace("default").create());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          client.batch().v1().jobs().inNamespace("default").withName("run-1").get())
                      .as("operator said: %s %s", operator.out(), operator.err())
                      .isNotNull());
      assertThat(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace("default")
                  .withName("run-1")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getInitContainers()
                  .get(0)
                  .getImage())
          .isEqualTo("gryt:test");

      // The kubelet's probes.
      String probes =
          operator.outLines().stream()
              .filter(l -> l.startsWith("probes: "))
              .findFirst()
              .orElseThrow();
      String base = probes.substring("probes: ".length(), probes.indexOf("/healthz"));
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of("/healthz", "/readyz")) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(base.replace("0.0.0.0", "127.0.0.1") + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
      }

      CliRun.Result stopped = operator.stop();
      assertThat(stopped.exitCode())
          .as("a stop asked for is a clean exit: %s", stopped.err())
          .isZero();
      assertThat(stopped.err()).doesNotContain("error");
      assertThat(stopped.out()).contains("gryt operator reconciling all namespaces");
    }
  }

  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    return p;
  }

  static List<Path> crdFiles() throws IOException {
    try (Stream<Path> files = Files.list(repo().resolve("crds"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".gryt.io-v1.yml"))
          .sorted()
          .toList();
    }
  }
}
