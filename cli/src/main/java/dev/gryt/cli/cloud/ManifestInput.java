package dev.gryt.cli.cloud;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.cli.ProblemsException;
import dev.gryt.crds.manifest.ManifestFiles;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.crds.manifest.Problem;
import dev.gryt.crds.manifest.Source;
import dev.gryt.crds.manifest.SourceSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifests named by {@code -f}: files, directories (their {@code .yaml}/{@code .yml} files,
 * sorted, subdirectories with {@code -R}) or {@code -} for stdin, read by {@link ManifestFiles}.
 * They are validated locally, all together, before anything is sent: a bad file never reaches the
 * server. Sources keep the names the user typed, so problems read {@code infra.yaml:14: ...}.
 */
public final class ManifestInput {
  private final SourceSet sourceSet;

  private ManifestInput(SourceSet sourceSet) {
    this.sourceSet = sourceSet;
  }

  public static ManifestInput read(List<String> files, boolean recursive, CliEnvironment env) {
    List<Source> sources = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (String file : files) {
      SourceSet read = ManifestFiles.read(Path.of(file), recursive, env.stdin());
      sources.addAll(read.sources());
      problems.addAll(read.problems());
    }
    return new ManifestInput(new SourceSet(sources, problems));
  }

  /**
   * Validates every source and joins them into the one multi-document YAML text the server takes.
   *
   * @throws ProblemsException listing every problem in every file, when there is any
   * @throws CliException when the files hold no resource at all
   */
  public String validatedYaml() {
    ParseResult result = sourceSet.parse();
    if (!result.ok()) {
      throw new ProblemsException(result.problems().stream().map(Problem::toString).toList());
    }
    if (result.manifests().isEmpty()) {
      throw new CliException(
          "no resources found in "
              + String.join(", ", sourceSet.sources().stream().map(Source::name).toList())
              + " (expected gryt.io/v1 YAML documents)");
    }
    return joined(sourceSet.sources());
  }

  /** All documents as one YAML stream, each source starting a new document. */
  static String joined(List<Source> sources) {
    StringBuilder yaml = new StringBuilder();
    for (Source source : sources) {
      String text = new String(source.content(), StandardCharsets.UTF_8);
      if (!text.stripLeading().startsWith("---")) {
        yaml.append("---\n");
      }
      yaml.append(text);
      if (!text.endsWith("\n")) {
        yaml.append('\n');
      }
    }
    return yaml.toString();
  }
}
