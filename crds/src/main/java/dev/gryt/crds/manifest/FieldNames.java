package dev.gryt.crds.manifest;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Field paths as problems show them ({@code spec.steps[1].command}) and "did you mean" hints. */
final class FieldNames {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private FieldNames() {}

  /** The path of field {@code name} under {@code parent}; odd names are quoted. */
  static String child(String parent, String name) {
    String segment =
        PLAIN.matcher(name).matches()
            ? name
            : "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    if (parent.isEmpty()) {
      return segment;
    }
    return segment.startsWith("[") ? parent + segment : parent + "." + segment;
  }

  static String item(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /**
   * The candidate nearest to {@code typed}, if it is close enough to be a plausible typo: at most a
   * third of the word's length in edits (at least one, at most three), ignoring case.
   */
  static Optional<String> nearest(String typed, Collection<String> candidates) {
    String lower = typed.toLowerCase(Locale.ROOT);
    int limit = Math.max(1, Math.min(3, typed.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("stpes"). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[a.length()][b.length()];
  }

  /** The message for an unknown field, with a suggestion when one is close. */
  static String unknownField(String name, Collection<String> known) {
    return nearest(name, known)
        .map(n -> "unknown field; did you mean \"" + n + "\"?")
        .orElse("unknown field; known fields: " + String.join(", ", known));
  }
}
