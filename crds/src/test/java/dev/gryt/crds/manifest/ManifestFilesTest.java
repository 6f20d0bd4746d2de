package dev.gryt.crds.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFilesTest {
  private static final String JOB =
      "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: %s}\nspec: {pipeline_name: p}\n";

  @TempDir Path dir;

  private Path write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  @Test
  void readsYamlFilesOfADirectorySortedAndSkipsOthers() throws IOException {
    write("b.yml", JOB.formatted("b"));
    write("a.yaml", JOB.formatted("a"));
    write("notes.txt", "not a manifest");
    write("sub/c.yaml", JOB.formatted("c"));

    SourceSet flat = ManifestFiles.read(dir, false);
    SourceSet deep = ManifestFiles.read(dir, true);

    assertThat(flat.problems()).isEmpty();
    assertThat(flat.sources())
        .extracting(s -> Path.of(s.name()).getFileName().toString())
        .containsExactly("a.yaml", "b.yml");
    assertThat(deep.sources()).hasSize(3);
    assertThat(deep.parse().manifests()).hasSize(3);
  }

  @Test
  void duplicatesAcrossFilesNameBothFiles() throws IOException {
    Path a = write("a.yaml", JOB.formatted("same"));
    Path b = write("b.yaml", JOB.formatted("same"));

    ParseResult result = ManifestFiles.read(dir, false).parse();

    assertThat(result.problems())
        .extracting(Problem::toString)
        .containsExactly(
            b
                + ":3: metadata.name: duplicate Job \"same\" in namespace \"default\"; first"
                + " defined at "
                + a
                + ":3");
  }

  @Test
  void missingPathAndEmptyDirectoryAreProblems() {
    SourceSet missing = ManifestFiles.read(dir.resolve("nope.yaml"), false);
    SourceSet empty = ManifestFiles.read(dir, true);

    assertThat(missing.sources()).isEmpty();
    assertThat(missing.problems())
        .extracting(Problem::message)
        .containsExactly("no such file or directory");
    assertThat(missing.parse().ok()).isFalse();
    assertThat(empty.problems())
        .extracting(Problem::message)
        .containsExactly("no *.yaml or *.yml files");
  }

  @Test
  void oversizedFileIsRefusedWithoutReadingIt() throws IOException {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(10L * 1024 * 1024);
    }

    SourceSet read = ManifestFiles.read(big, false);

    assertThat(read.sources()).isEmpty();
    assertThat(read.problems())
        .extracting(Problem::toString)
        .containsExactly(big + ":1: document is 10.0 MiB; the limit is 4 MiB");
  }

  @Test
  void dashReadsStdin() {
    byte[] input = JOB.formatted("from-stdin").getBytes(StandardCharsets.UTF_8);

    SourceSet read = ManifestFiles.read(Path.of("-"), false, new ByteArrayInputStream(input));

    assertThat(read.sources()).extracting(Source::name).containsExactly("<stdin>");
    assertThat(read.parse().manifests()).hasSize(1);
  }
}
