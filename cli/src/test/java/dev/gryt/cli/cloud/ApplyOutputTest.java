package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ApplyOutputTest {
  private static final String REPLY =
      """
      {"dry_run": true, "results": [
        {"kind":"Pipeline","namespace":"default","name":"test-and-build","id":"pipe-1",
         "action":"configured","diff":[
           {"path":"spec.steps[0].command","old":"go test ./...","new":"go test -race ./..."},
           {"path":"spec.description","new":"added"},
           {"path":"metadata.labels.team","old":"ci"}]},
        {"kind":"GitHubRepo","namespace":"default","name":"my-app-repo","id":"repo-1",
         "action":"unchanged"},
        {"kind":"Webhook","namespace":"default","name":"hook","id":"webhook-1","action":"created"}
      ]}
      """;

  @Test
  void oneLinePerResultWithLowerCaseKind() {
    assertThat(print(out -> ApplyOutput.printResults(out, results(), false)))
        .containsExactly(
            "pipeline/test-and-build configured",
            "githubrepo/my-app-repo unchanged",
            "webhook/hook created");
  }

  @Test
  void dryRunSaysSo() {
    assertThat(print(out -> ApplyOutput.printResults(out, results(), true)))
        .first()
        .isEqualTo("pipeline/test-and-build configured (dry run)");
  }

  @Test
  void diffShowsChangedResourcesWithOldAndNewValuesPerPath() {
    assertThat(print(out -> ApplyOutput.printDiff(out, results())))
        .containsExactly(
            "pipeline/test-and-build configured",
            "- spec.steps[0].command: \"go test ./...\"",
            "+ spec.steps[0].command: \"go test -race ./...\"",
            "+ spec.description: \"added\"",
            "- metadata.labels.team: \"ci\"",
            "webhook/hook created");
  }

  private static List<ApplyResult> results() {
    try {
      JsonNode data = ResourceCodec.json().readTree(REPLY);
      return ApplyResult.listFrom(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> print(Consumer<PrintWriter> printer) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      printer.accept(out);
    }
    return text.toString().lines().toList();
  }
}
