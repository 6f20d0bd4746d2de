package dev.gryt.crds.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems of one document and the line of every field path seen in it, so rules that work on
 * the typed tree can still point at the right line.
 */
final class DocumentProblems {
  private final String source;
  private final int documentLine;
  private final Map<String, Integer> lines = new HashMap<>();
  private final List<Problem> problems = new ArrayList<>();

  DocumentProblems(String source, int documentLine) {
    this.source = source;
    this.documentLine = documentLine;
  }

  void recordLine(String path, int line) {
    lines.putIfAbsent(path, line);
  }

  /**
   * The line of {@code path}, or of its nearest recorded ancestor (a missing field is reported
   * where its parent is), or of the document.
   */
  int lineOf(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      p = parent(p);
    }
    return documentLine;
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  void add(String path, int line, String message) {
    problems.add(new Problem(source, line, path, message));
  }

  /** A problem at the line of {@code path} (or its nearest ancestor). */
  void add(String path, String message) {
    add(path, lineOf(path), message);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<Problem> problems() {
    return problems;
  }

  String source() {
    return source;
  }
}
