package dev.gryt.crds.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates multi-document {@code gryt.io/v1} YAML. Never throws on bad input: every
 * problem is reported with source, line and field path.
 *
 * <p>The stages, each reporting in its own words: {@link SourceText} (size, binary, UTF-8), {@link
 * YamlDocuments} (syntax, tabs, alias and nesting limits), {@link DocumentValidator} (envelope,
 * metadata, the kind's schema and rules), then duplicate resources across everything parsed
 * together. A result with any problem carries no manifests: an apply is all or nothing.
 */
public final class ManifestParser {
  private ManifestParser() {}

  /**
   * Parses one source (a file's bytes or a request body). {@code source} is the name used in
   * problems (a file name, or {@code <request>}).
   */
  public static ParseResult parse(String source, byte[] content) {
    return parse(List.of(new Source(source, content)));
  }

  /** Parses several sources as one set, so a resource defined twice in two files is caught. */
  public static ParseResult parse(List<Source> sources) {
    List<Manifest> manifests = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Map<DocumentValidator.ResourceKey, String> firstDefinition = new HashMap<>();
    for (Source source : sources) {
      List<Problem> sourceProblems = new ArrayList<>();
      try {
        parseSource(source, manifests, sourceProblems, firstDefinition);
      } catch (RuntimeException | StackOverflowError e) {
        // Every known failure is a Problem already; this keeps the "never throws" promise for
        // the ones nobody has found yet.
        sourceProblems.add(new Problem(source.name(), 0, "", "internal error while parsing: " + e));
      }
      sourceProblems.sort(Comparator.comparingInt(Problem::line));
      problems.addAll(sourceProblems);
    }
    return new ParseResult(problems.isEmpty() ? List.copyOf(manifests) : List.of(), problems);
  }

  private static void parseSource(
      Source source,
      List<Manifest> manifests,
      List<Problem> problems,
      Map<DocumentValidator.ResourceKey, String> firstDefinition) {
    String name = source.name();
    SourceText.Decoded decoded = SourceText.decode(name, source.content());
    if (decoded.problem() != null) {
      problems.add(decoded.problem());
      return;
    }
    YamlDocuments.Composed composed = YamlDocuments.compose(name, decoded.text());
    if (composed.error() != null) {
      problems.add(composed.error());
    } else if (composed.documents().isEmpty()) {
      problems.add(new Problem(name, 1, "", "no documents"));
    }
    for (var document : composed.documents()) {
      DocumentValidator.Result result = DocumentValidator.validate(name, document);
      problems.addAll(result.problems());
      if (result.key() != null) {
        String location = name + ":" + result.nameLine();
        String first = firstDefinition.putIfAbsent(result.key(), location);
        if (first != null) {
          problems.add(
              new Problem(
                  name,
                  result.nameLine(),
                  "metadata.name",
                  "duplicate " + result.key() + "; first defined at " + first));
          continue;
        }
      }
      if (result.resource() != null) {
        manifests.add(new Manifest(name, result.line(), result.resource()));
      }
    }
  }
}
