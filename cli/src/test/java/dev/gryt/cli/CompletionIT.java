package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script, loaded by a real bash, completes gryt's commands and options. */
class CompletionIT {
  @TempDir Path home;

  @Test
  void bashCompletesSubcommandsAndOptions() throws Exception {
    CliRun.Result result = new CliRun(home).run("completion", "bash");
    assertThat(result.exitCode()).isZero();
    Path script = Files.writeString(home.resolve("gryt.bash"), result.out());
    // What bash offers after "gryt cl" and after "gryt cloud apply --dr".
    String probe =
        "source "
            + script
            + "; COMP_WORDS=(gryt cl); COMP_CWORD=1; COMP_LINE='gryt cl'; COMP_POINT=7;"
            + " _complete_gryt; echo \"${COMPREPLY[*]}\";"
            + " COMP_WORDS=(gryt cloud apply --dr); COMP_CWORD=3;"
            + " COMP_LINE='gryt cloud apply --dr'; COMP_POINT=21;"
            + " _complete_gryt; echo \"${COMPREPLY[*]}\"; complete -p gryt";
    Process bash =
        new ProcessBuilder("bash", "--norc", "--noprofile", "-c", probe)
            .redirectErrorStream(true)
            .start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out.lines().toList())
        .as(out)
        .contains("cloud", "--dry-run")
        .anyMatch(
            l ->
                l.startsWith("complete ")
                    && l.contains("-F _complete_gryt")
                    && l.endsWith(" gryt"));
  }

  @Test
  void zshGetsTheScriptThroughBashcompinit() {
    CliRun.Result result = new CliRun(home).run("completion", "zsh");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("autoload -U +X compinit").contains("_complete_gryt");
  }

  @Test
  void anUnknownShellIsAUsageErrorNamingTheChoices() {
    CliRun.Result result = new CliRun(home).run("completion", "fish");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("fish").contains("bash").contains("zsh");
  }
}
