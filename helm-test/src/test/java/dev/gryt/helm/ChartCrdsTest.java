package dev.gryt.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the CRDs the crds module generates, unchanged: after a change to the CRD classes,
 * copy them again with {@code cp crds/*.yml helm/gryt/crds/}.
 */
class ChartCrdsTest {
  @Test
  void chartCrdsAreByteIdenticalCopiesOfTheGeneratedOnes() throws IOException {
    Path generated = Chart.repoRoot().resolve("crds");
    Path chart = Chart.chartDir().resolve("crds");

    List<String> generatedNames = yamlFiles(generated);
    assertThat(generatedNames).isNotEmpty();
    assertThat(yamlFiles(chart))
        .as("helm/gryt/crds holds exactly the generated CRDs (cp crds/*.yml helm/gryt/crds/)")
        .containsExactlyElementsOf(generatedNames);
    for (String name : generatedNames) {
      assertThat(Files.readAllBytes(chart.resolve(name)))
          .as(name + " differs from crds/" + name + ": cp crds/*.yml helm/gryt/crds/")
          .isEqualTo(Files.readAllBytes(generated.resolve(name)));
    }
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
