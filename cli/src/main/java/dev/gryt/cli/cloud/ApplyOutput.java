package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceCodec;
import java.io.PrintWriter;
import java.util.List;

/** How {@code apply} and {@code diff} render the server's results. */
public final class ApplyOutput {
  private ApplyOutput() {}

  /** One line per result: {@code pipeline/test-and-build created (dry run)}. */
  public static void printResults(PrintWriter out, List<ApplyResult> results, boolean dryRun) {
    for (ApplyResult result : results) {
      out.println(result.reference() + " " + result.action() + (dryRun ? " (dry run)" : ""));
    }
  }

  /**
   * For each result that is not unchanged, a header and one {@code - path: old} / {@code + path:
   * new} line per changed field, values as JSON.
   */
  public static void printDiff(PrintWriter out, List<ApplyResult> results) {
    for (ApplyResult result : results) {
      if (!result.changed()) {
        continue;
      }
      out.println(result.reference() + " " + result.action());
      for (ApplyResult.FieldChange change : result.diff()) {
        if (change.before() != null) {
          out.println("- " + change.path() + ": " + ResourceCodec.toJson(change.before()));
        }
        if (change.after() != null) {
          out.println("+ " + change.path() + ": " + ResourceCodec.toJson(change.after()));
        }
      }
    }
  }

  /** Pretty JSON, as {@code -o json} prints it. */
  public static String prettyJson(JsonNode node) {
    try {
      return ResourceCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("cannot render JSON: " + e.getOriginalMessage(), e);
    }
  }
}
