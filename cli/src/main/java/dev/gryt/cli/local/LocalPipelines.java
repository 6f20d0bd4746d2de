package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import dev.gryt.cli.ProblemsException;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.manifest.Manifest;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.crds.manifest.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds and parses the pipelines a project runs: {@code gryt.io/v1} Pipeline manifests, by name in
 * {@code .gryt/pipelines/NAME.yaml} or from a file, parsed by the same parser as {@code gryt cloud
 * apply} so problems name the file and line.
 */
public final class LocalPipelines {
  /** A parsed pipeline and the file it came from. */
  public record Found(Pipeline pipeline, Path file) {
    public String name() {
      return pipeline.getMetadata().getName();
    }
  }

  private LocalPipelines() {}

  /**
   * {@code nameOrFile}: an existing file, else a pipeline name under {@code .gryt/pipelines/}.
   *
   * @param project null when outside a project (only files work then)
   */
  public static Found resolve(Project project, Path workingDirectory, String nameOrFile) {
    Path asFile = workingDirectory.resolve(nameOrFile);
    if (Files.isRegularFile(asFile)) {
      return parse(asFile, null);
    }
    if (project != null) {
      for (String ext : List.of(".yaml", ".yml")) {
        Path file = project.pipelinesDir().resolve(nameOrFile + ext);
        if (Files.isRegularFile(file)) {
          return parse(file, nameOrFile);
        }
      }
    }
    List<String> known = project == null ? List.of() : names(project);
    throw new CliException(
        "no pipeline '"
            + nameOrFile
            + "'"
            + (known.isEmpty()
                ? (project == null
                    ? " (not a file, and not in a gryt project)"
                    : " (.gryt/pipelines/ is empty)")
                : " (known: " + String.join(", ", known) + ")")
            + "; give a file path or a name from .gryt/pipelines/");
  }

  /** The pipeline names in {@code .gryt/pipelines/}, sorted. */
  public static List<String> names(Project project) {
    if (!Files.isDirectory(project.pipelinesDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(project.pipelinesDir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .map(n -> n.substring(0, n.lastIndexOf('.')))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new CliException("cannot list " + project.pipelinesDir() + ": " + e.getMessage());
    }
  }

  /**
   * Parses {@code file}; with {@code name}, the Pipeline of that name when the file has several.
   */
  public static Found parse(Path file, String name) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    ParseResult result = ManifestParser.parse(file.toString(), content);
    if (!result.ok()) {
      throw new ProblemsException(result.problems().stream().map(Problem::toString).toList());
    }
    List<Pipeline> pipelines = new ArrayList<>();
    for (Manifest manifest : result.manifests()) {
      GrytResource<?, ?> resource = manifest.resource();
      if (resource instanceof Pipeline p) {
        pipelines.add(p);
      }
    }
    if (pipelines.isEmpty()) {
      throw new CliException(file + " holds no Pipeline (kind: Pipeline, apiVersion: gryt.io/v1)");
    }
    if (pipelines.size() > 1 && name != null) {
      for (Pipeline p : pipelines) {
        if (name.equals(p.getMetadata().getName())) {
          return new Found(p, file);
        }
      }
    }
    if (pipelines.size() > 1) {
      throw new CliException(
          file + " holds " + pipelines.size() + " Pipelines; keep one per file to run it");
    }
    return new Found(pipelines.get(0), file);
  }
}
