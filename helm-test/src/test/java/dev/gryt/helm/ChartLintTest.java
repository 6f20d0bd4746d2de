package dev.gryt.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {
  @Test
  void lintsCleanInStrictMode() {
    LintResult result = Chart.helm().lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .as("no warnings or errors, only informational notes")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }
}
