package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument handling that fails before anything is read or sent. */
class ArgumentsTest {
  @TempDir Path home;

  @Test
  void versionPrintsTheProjectVersion() {
    CliRun.Result result = new CliRun(home).run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).matches("gryt \\d+\\.\\d+\\.\\d+.*\\R");
  }

  @Test
  void pruneWithoutApplysetIsAUsageError() {
    CliRun.Result result = new CliRun(home).run("cloud", "apply", "-f", "x.yaml", "--prune");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .first()
        .isEqualTo("--prune needs --applyset NAME to know which resources it owns");
  }

  @Test
  void applyNeedsFiles() {
    CliRun.Result result = new CliRun(home).run("cloud", "apply");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("Missing required option: '--filename=FILE|DIR|-'");
  }

  @Test
  void unknownOutputFormatIsAUsageError() {
    CliRun.Result result = new CliRun(home).run("cloud", "get", "pipelines", "-o", "xml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Invalid value for option '--output'");
  }

  @Test
  void unknownKindListsTheValidOnes() {
    CliRun.Result result = new CliRun(home).run("cloud", "get", "pipelnes");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: unknown kind 'pipelnes' (valid kinds: pipelines, githubrepos, jobs, webhooks,"
                + " jobruns)");
  }

  @Test
  void missingManifestFileIsOneLine() {
    CliRun.Result result = new CliRun(home).run("cloud", "apply", "-f", "nope.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).containsExactly("nope.yaml: no such file or directory");
  }

  @Test
  void diffFailuresExitAboveOne() {
    CliRun.Result result = new CliRun(home).run("cloud", "diff", "-f", "nope.yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines()).containsExactly("nope.yaml: no such file or directory");
  }

  @Test
  void serverOptionIsAcceptedAfterTheSubcommand() {
    CliRun.Result result =
        new CliRun(home).run("cloud", "get", "pipelines", "--server", "not-a-url");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: invalid server URL 'not-a-url' from --server (expected http://HOST:PORT)");
  }
}
