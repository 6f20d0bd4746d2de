package dev.gryt.server.apply;

/**
 * How to apply.
 *
 * @param dryRun plan only, write nothing
 * @param prune delete members of {@code applySet} that the apply no longer names
 * @param applySet name of the set the applied resources belong to (label {@code gryt.io/applyset});
 *     null for none
 */
public record ApplyOptions(boolean dryRun, boolean prune, String applySet) {
  public ApplyOptions {
    if (prune && (applySet == null || applySet.isBlank())) {
      throw new IllegalArgumentException("prune needs an applyset name");
    }
  }
}
