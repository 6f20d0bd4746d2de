package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD YAML committed in the module folder ({@code crds/*.yml}, what kubectl and the Helm chart
 * install) is exactly what fabric8's generator makes of the classes. Regenerate with {@code mvn -pl
 * crds test -Dtest=CrdYamlTest -Dgryt.crds.update=true}.
 */
class CrdYamlTest {
  private static final String UPDATE_PROPERTY = "gryt.crds.update";

  @TempDir Path generatedDir;

  @Test
  void committedCrdsMatchTheClasses() throws IOException {
    generate(generatedDir);
    Path moduleDir = moduleDir();
    List<String> stale = new ArrayList<>();
    try (Stream<Path> files = Files.list(generatedDir)) {
      for (Path generated : files.sorted().toList()) {
        Path committed = moduleDir.resolve(generated.getFileName());
        byte[] expected = Files.readAllBytes(generated);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
          Files.write(committed, expected);
        } else if (!Files.exists(committed)
            || !Arrays.equals(expected, Files.readAllBytes(committed))) {
          stale.add(committed.getFileName().toString());
        }
      }
    }
    if (!stale.isEmpty()) {
      fail(
          "CRD YAML out of date: %s. Update with: mvn -pl crds test -Dtest=CrdYamlTest"
              + " -D%s=true",
          stale, UPDATE_PROPERTY);
    }
  }

  @Test
  void everyKindHasStatusSubresourceReadyColumnAndSchemaConstraints() throws IOException {
    generate(generatedDir);
    for (ResourceKind kind : ResourceKind.values()) {
      Path file = generatedDir.resolve(kind.plural() + ".gryt.io-v1.yml");
      JsonNode crd = ResourceCodec.yaml().readTree(file.toFile());
      JsonNode version = crd.at("/spec/versions/0");

      assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(kind.kind());
      assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
      assertThat(version.at("/subresources/status").isObject()).as(kind + " status").isTrue();
      assertThat(version.at("/additionalPrinterColumns/0/name").asText()).isEqualTo("Ready");
    }
    JsonNode pipelineSpec =
        ResourceCodec.yaml()
            .readTree(generatedDir.resolve("pipelines.gryt.io-v1.yml").toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    assertThat(pipelineSpec.at("/required").toString()).contains("steps");
    assertThat(pipelineSpec.at("/properties/steps/minItems").asInt()).isEqualTo(1);
    JsonNode jobSpec =
        ResourceCodec.yaml()
            .readTree(generatedDir.resolve("jobs.gryt.io-v1.yml").toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    assertThat(jobSpec.at("/properties/pipeline_name/pattern").asText())
        .isEqualTo(FieldFormats.RESOURCE_NAME);
  }

  private static void generate(Path dir) {
    List<Class<? extends HasMetadata>> kinds = new ArrayList<>();
    for (ResourceKind kind : ResourceKind.values()) {
      kinds.add(kind.type());
    }
    new CRDGenerator()
        .inOutputDir(dir.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(kinds)
        .generate();
  }

  /** The crds module folder; surefire runs in it, an IDE may run from the repository root. */
  private static Path moduleDir() {
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("src/main/java/dev/gryt/crds"))
        ? cwd
        : cwd.resolve("crds");
  }
}
