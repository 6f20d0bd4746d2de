package dev.gryt.cli;

import java.util.List;

/**
 * Manifests were rejected, locally or by the server. Each line names one problem as {@code
 * file:line: path: message}; all of them are printed, one per line.
 */
public class ProblemsException extends RuntimeException {
  private final List<String> problems;

  public ProblemsException(List<String> problems) {
    super(problems.size() + " problem(s) in the manifests");
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
