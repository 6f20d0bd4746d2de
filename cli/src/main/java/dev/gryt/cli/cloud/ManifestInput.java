package dev.gryt.cli.cloud;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.cli.ProblemsException;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.crds.manifest.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The manifests named by {@code -f}: files, directories (their {@code .yaml}/{@code .yml} files,
 * sorted, subdirectories with {@code -R}) or {@code -} for stdin. They are validated locally before
 * anything is sent, so a bad file never reaches the server.
 */
public final class ManifestInput {
  /** The name problems use for manifests read from stdin. */
  public static final String STDIN = "<stdin>";

  /** One file's bytes, named as problems should name it. */
  public record Source(String name, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private final List<Source> sources;

  private ManifestInput(List<Source> sources) {
    this.sources = List.copyOf(sources);
  }

  public static ManifestInput read(List<String> files, boolean recursive, CliEnvironment env) {
    List<Source> sources = new ArrayList<>();
    for (String file : files) {
      if ("-".equals(file)) {
        sources.add(new Source(STDIN, readStdin(env)));
      } else {
        sources.addAll(readPath(file, recursive, env.workingDirectory()));
      }
    }
    return new ManifestInput(sources);
  }

  public List<Source> sources() {
    return sources;
  }

  /**
   * Validates every source with {@link ManifestParser} and joins them into the one multi-document
   * YAML text the server takes.
   *
   * @throws ProblemsException listing every problem in every file, when there is any
   * @throws CliException when the files hold no resource at all
   */
  public String validatedYaml() {
    List<String> problems = new ArrayList<>();
    int resources = 0;
    for (Source source : sources) {
      ParseResult result = ManifestParser.parse(source.name(), source.content());
      result.problems().stream().map(Problem::toString).forEach(problems::add);
      resources += result.manifests().size();
    }
    if (!problems.isEmpty()) {
      throw new ProblemsException(problems);
    }
    if (resources == 0) {
      throw new CliException(
          "no resources found in " + names() + " (expected gryt.io/v1 YAML documents)");
    }
    return joined();
  }

  /** All documents as one YAML stream, each source starting a new document. */
  String joined() {
    StringBuilder yaml = new StringBuilder();
    for (Source source : sources) {
      String text = source.text();
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

  private String names() {
    return String.join(", ", sources.stream().map(Source::name).toList());
  }

  private static byte[] readStdin(CliEnvironment env) {
    try {
      return env.stdin().readAllBytes();
    } catch (IOException e) {
      throw new CliException("cannot read manifests from stdin: " + e.getMessage(), e);
    }
  }

  private static List<Source> readPath(String file, boolean recursive, Path workingDirectory) {
    Path path = workingDirectory.resolve(file);
    if (!Files.exists(path)) {
      throw new CliException("no such file or directory: " + file);
    }
    try {
      if (!Files.isDirectory(path)) {
        return List.of(new Source(file, Files.readAllBytes(path)));
      }
      List<Source> sources = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(path, recursive ? Integer.MAX_VALUE : 1)) {
        for (Path yaml :
            walk.filter(Files::isRegularFile).filter(ManifestInput::isYaml).sorted().toList()) {
          String name = Path.of(file).resolve(path.relativize(yaml)).normalize().toString();
          sources.add(new Source(name, Files.readAllBytes(yaml)));
        }
      }
      if (sources.isEmpty()) {
        throw new CliException(
            "no .yaml or .yml files in "
                + file
                + (recursive ? "" : " (use -R to include subdirectories)"));
      }
      return sources;
    } catch (NoSuchFileException e) {
      throw new CliException("no such file or directory: " + e.getFile(), e);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isYaml(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}
