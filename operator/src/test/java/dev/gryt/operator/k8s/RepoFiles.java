package dev.gryt.operator.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Files at the repository root (the generated CRDs, the examples), found from any module. */
final class RepoFiles {
  private RepoFiles() {}

  /** The file at {@code relative} from the repository root, walking up from the working dir. */
  static Path find(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.exists(candidate) && Files.exists(dir.resolve("crds/pom.xml"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  /** The generated CustomResourceDefinition files, one per kind. */
  static List<Path> crdFiles() {
    try (Stream<Path> files = Files.list(find("crds"))) {
      List<Path> crds = files.filter(f -> f.toString().endsWith("-v1.yml")).sorted().toList();
      if (crds.isEmpty()) {
        throw new IllegalStateException("no *-v1.yml CRD files in " + find("crds"));
      }
      return crds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(String relative) {
    try {
      return Files.readAllBytes(find(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
