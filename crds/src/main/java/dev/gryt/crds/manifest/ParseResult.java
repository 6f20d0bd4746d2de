package dev.gryt.crds.manifest;

import java.util.List;

/**
 * What parsing one or more manifest sources gave: the valid resources and every problem found.
 * Callers must treat a result with problems as wholly rejected.
 */
public record ParseResult(List<Manifest> manifests, List<Problem> problems) {
  public boolean ok() {
    return problems.isEmpty();
  }
}
