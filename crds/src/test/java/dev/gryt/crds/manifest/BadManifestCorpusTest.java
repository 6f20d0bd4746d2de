package dev.gryt.crds.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BadManifestCorpusTest {
  static List<BadManifestCorpus.Case> cases() {
    return BadManifestCorpus.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyBadManifestIsRejectedWithALocatedProblem(BadManifestCorpus.Case badCase) {
    ParseResult result = ManifestParser.parse(badCase.name(), badCase.content());

    assertThat(result.manifests()).isEmpty();
    assertThat(result.problems())
        .as("problems of %s", badCase.name())
        .anySatisfy(
            problem -> {
              assertThat(problem.source()).isEqualTo(badCase.name());
              assertThat(problem.line()).isEqualTo(badCase.expectedLine());
              assertThat(problem.toString()).contains(badCase.expectedFragment());
            });
    // Messages are single lines: they end up in terminals and JSON error bodies.
    assertThat(result.problems()).allSatisfy(p -> assertThat(p.message()).doesNotContain("\n"));
  }

  @Test
  void corpusIsLargeEnoughAndEveryCommittedFileIsIndexed() throws IOException {
    assertThat(BadManifestCorpus.committed()).hasSizeGreaterThanOrEqualTo(30);
    List<String> indexed =
        BadManifestCorpus.committed().stream().map(BadManifestCorpus.Case::name).toList();
    try (Stream<Path> files = Files.list(BadManifestCorpus.directory())) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
          .containsExactlyInAnyOrderElementsOf(indexed);
    }
  }
}
