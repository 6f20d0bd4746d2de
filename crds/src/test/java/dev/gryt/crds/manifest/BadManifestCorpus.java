package dev.gryt.crds.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Broken manifests, each with the line and message fragment of the problem it must produce: the
 * committed files under {@code testdata/bad-manifests/} (indexed by {@code EXPECTED.tsv}) and cases
 * generated here because they are too large to commit. Shipped in the crds test-jar so the
 * apply-server and CLI tests feed the very same cases to the HTTP API and the CLI.
 */
public final class BadManifestCorpus {
  /** Directory of the committed corpus, relative to the repository root. */
  public static final String DIRECTORY = "testdata/bad-manifests";

  /**
   * One broken manifest. {@code expectedFragment} must occur in {@link Problem#toString()} of a
   * problem on {@code expectedLine}.
   */
  public record Case(String name, byte[] content, int expectedLine, String expectedFragment) {
    @Override
    public String toString() {
      return name;
    }
  }

  private BadManifestCorpus() {}

  /** Every case: committed files first (sorted by name), then generated ones. */
  public static List<Case> all() {
    List<Case> cases = new ArrayList<>(committed());
    cases.addAll(generated());
    return cases;
  }

  /** The committed cases, read through {@code EXPECTED.tsv}. */
  public static List<Case> committed() {
    Path dir = directory();
    List<Case> cases = new ArrayList<>();
    try {
      for (String row : Files.readAllLines(dir.resolve("EXPECTED.tsv"), StandardCharsets.UTF_8)) {
        if (row.isBlank() || row.startsWith("#")) {
          continue;
        }
        String[] columns = row.split("\t", 3);
        if (columns.length != 3) {
          throw new IllegalStateException("EXPECTED.tsv: malformed row: " + row);
        }
        cases.add(
            new Case(
                columns[0],
                Files.readAllBytes(dir.resolve(columns[0])),
                Integer.parseInt(columns[1]),
                columns[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  /** Cases built in memory: too large to commit, or cheap to state exactly here. */
  public static List<Case> generated() {
    String head = "apiVersion: gryt.io/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n";
    List<Case> cases = new ArrayList<>();

    byte[] tenMiB = new byte[10 * 1024 * 1024];
    Arrays.fill(tenMiB, (byte) 'x');
    byte[] prefix = (head + "  pipeline_name: p\n  description: ").getBytes(StandardCharsets.UTF_8);
    System.arraycopy(prefix, 0, tenMiB, 0, prefix.length);
    tenMiB[tenMiB.length - 1] = '\n';
    cases.add(
        new Case(
            "generated-10mib-document.yaml",
            tenMiB,
            1,
            "document is 10.0 MiB; the limit is 4 MiB"));

    cases.add(
        new Case(
            "generated-flow-nesting-100k.yaml",
            utf8(head + "  description: " + "[ ".repeat(100_000) + "\n"),
            6,
            "nested too deeply"));

    StringBuilder blockNesting = new StringBuilder(head);
    for (int depth = 1; depth <= 2_000; depth++) {
      blockNesting.append(" ".repeat(depth)).append("k").append(depth).append(":\n");
    }
    cases.add(
        new Case(
            "generated-block-nesting-2000.yaml",
            utf8(blockNesting.toString()),
            37,
            "nested too deeply"));

    cases.add(
        new Case(
            "generated-billion-laughs.yaml", utf8(billionLaughs(head)), 10, "too many aliases"));

    // The attack of issue 13: 37 KB of text that expanded to a 33 MB row.
    cases.add(
        new Case(
            "generated-scalar-alias-bomb.yaml",
            utf8(scalarAliasBomb()),
            1,
            "aliases expand this document past 512 KiB (*x repeats &x)"));

    cases.add(
        new Case(
            "generated-600kib-object.yaml",
            utf8(
                "apiVersion: gryt.io/v1\nkind: Pipeline\nmetadata:\n  name: big\nspec:\n"
                    + "  steps:\n  - name: build\n    command: "
                    + "x ".repeat(300 * 1024)
                    + "\n"),
            1,
            "Pipeline \"big\" in namespace \"default\" is 600.1 KiB stored;"
                + " the limit is 512 KiB per object"));

    cases.add(
        new Case(
            "generated-65kib-word.yaml",
            utf8(head + "  pipeline_name: p\n  description: " + "w".repeat(65 * 1024) + "\n"),
            7,
            "more than 64 KiB without a space or line break"));

    StringBuilder manyDocuments = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      manyDocuments.append("---\n").append(head).append("  pipeline_name: p\n");
    }
    cases.add(
        new Case(
            "generated-500-duplicates.yaml",
            utf8(manyDocuments.toString()),
            12,
            "duplicate Job \"j\" in namespace \"default\""));
    return cases;
  }

  /** A Webhook whose 500 branches are aliases of one 64 KiB string. */
  public static String scalarAliasBomb() {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: gryt.io/v1\nkind: Webhook\nmetadata:\n  name: bomb\nspec:\n"
                + "  job_name: j\n  description: &x "
                + "b".repeat(64 * 1024)
                + "\n  branches:\n");
    for (int i = 0; i < 500; i++) {
      yaml.append("  - *x\n");
    }
    return yaml.toString();
  }

  private static String billionLaughs(String head) {
    StringBuilder yaml = new StringBuilder(head).append("  pipeline_name: p\n  env:\n");
    yaml.append("    l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int level = 1; level <= 9; level++) {
      String previous = "*l" + (level - 1);
      yaml.append("    l").append(level).append(": &l").append(level).append(" [");
      yaml.append(String.join(",", java.util.Collections.nCopies(9, previous))).append("]\n");
    }
    return yaml.toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The corpus directory, found by walking up from the working directory (module tests run in
   * {@code crds/}, {@code cli/}, ...; an IDE may run them from the root).
   */
  public static Path directory() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolve(DIRECTORY);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + DIRECTORY + " above " + dir);
  }
}
