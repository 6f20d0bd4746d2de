package dev.gryt.crds.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * Sources read from files, directories or stdin, with the problems of paths that could not be read
 * (missing, unreadable, too large, a directory without manifests).
 */
public record SourceSet(List<Source> sources, List<Problem> problems) {
  /** Parses the sources together and adds the read problems in front of the parse problems. */
  public ParseResult parse() {
    ParseResult parsed = ManifestParser.parse(sources);
    if (problems.isEmpty()) {
      return parsed;
    }
    List<Problem> all = new ArrayList<>(problems);
    all.addAll(parsed.problems());
    return new ParseResult(List.of(), all);
  }
}
