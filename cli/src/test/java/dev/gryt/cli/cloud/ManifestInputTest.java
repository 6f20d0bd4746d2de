package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.cli.CliRun;
import dev.gryt.cli.ProblemsException;
import dev.gryt.crds.manifest.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestInputTest {
  private static final String PIPELINE =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        steps:
          - name: test
            command: "true"
      """;

  @TempDir Path dir;

  @Test
  void joinsSourcesSoEachStartsADocument() {
    assertThat(ManifestInput.joined(List.of(source("a: 1"), source("---\nb: 2\n"))))
        .isEqualTo("---\na: 1\n---\nb: 2\n");
  }

  @Test
  void reportsEveryProblemOfEveryFile() throws IOException {
    Path first = Files.writeString(dir.resolve("first.yaml"), PIPELINE.replace("name: p", "{}"));
    Path second =
        Files.writeString(dir.resolve("second.yaml"), PIPELINE.replace("command: \"true\"", ""));

    var input = ManifestInput.read(List.of(first.toString(), second.toString()), false, env());

    assertThatThrownBy(input::validatedYaml)
        .isInstanceOfSatisfying(
            ProblemsException.class,
            e ->
                assertThat(e.problems())
                    .anyMatch(line -> line.startsWith(first + ":"))
                    .anyMatch(line -> line.startsWith(second + ":")));
  }

  @Test
  void readsStdin() {
    var input =
        ManifestInput.read(List.of("-"), false, new CliRun(dir).stdin(PIPELINE).environment());

    assertThat(input.validatedYaml()).isEqualTo("---\n" + PIPELINE);
  }

  @Test
  void aFileWithoutResourcesIsAProblem() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing yet\n");
    var input = ManifestInput.read(List.of(empty.toString()), false, env());

    assertThatThrownBy(input::validatedYaml)
        .isInstanceOfSatisfying(
            ProblemsException.class,
            e -> assertThat(e.problems()).singleElement().asString().startsWith(empty + ":"));
  }

  private dev.gryt.cli.CliEnvironment env() {
    return new CliRun(dir).environment();
  }

  private static Source source(String text) {
    return new Source("s.yaml", text.getBytes(StandardCharsets.UTF_8));
  }
}
