package dev.gryt.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import dev.gryt.cli.cloud.ApplyResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gryt server} failures that happen before anything listens. */
class ServerCommandTest {
  @TempDir Path home;

  @Test
  void theNextStepsRunTheOfflineExampleJobWhenItWasApplied() {
    ApplyResult other = job("my-app-ci");
    assertThat(ServerCommand.jobToRun(List.of(other, job("hello-ci")))).isEqualTo("hello-ci");
    assertThat(ServerCommand.jobToRun(List.of(other))).isEqualTo("my-app-ci");
    assertThat(
            ServerCommand.jobToRun(
                List.of(new ApplyResult("Pipeline", "default", "p", "pipe-1", "created", null))))
        .isNull();
  }

  private static ApplyResult job(String name) {
    return new ApplyResult("Job", "default", name, "job-" + name, "created", null);
  }

  @Test
  void unknownDatabaseUrlExitsOneWithOneLine() {
    CliRun.Result result = new CliRun(home).run("server", "--db", "foo:bar");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: ")
        .contains("foo:bar");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void sqliteWithoutAFileSaysWhatToWrite() {
    CliRun.Result result = new CliRun(home).run("server", "--db", "sqlite:");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: invalid --db 'sqlite:': no file after sqlite: (e.g. sqlite:gryt.db)");
  }

  @Test
  void aKubernetesStoreWithoutItsSqlStoreSaysWhatToWrite() {
    CliRun.Result result = new CliRun(home).run("server", "--db", "kubernetes:gryt");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: invalid --db: ")
        .contains("needs sql=SQL_URL")
        .contains("kubernetes:[NAMESPACE[,NAMESPACE...]]?sql=SQL_URL");
  }

  @Test
  void portMustBeANumber() {
    CliRun.Result result = new CliRun(home).run("server", "--port", "http");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines()).first().asString().contains("'http' is not an int");
  }

  @Test
  void tenantFlagsWithBadValuesExitOneNamingTheFlag() {
    for (List<String> args :
        List.of(
            List.of("--signup", "maybe"),
            List.of("--trusted-proxy", "10.0.0.0/99"),
            List.of("--trusted-proxy", "proxy.example"),
            List.of("--quota-runs", "0"),
            List.of("--quota-log-bytes", "-1"),
            List.of("--max-step-log-bytes", "0"),
            List.of("--max-step-log-bytes", "" + (ServerCommand.MAX_STEP_LOG_BYTES + 1)))) {
      List<String> command = new java.util.ArrayList<>(List.of("server", "--agents", "0"));
      command.addAll(args);
      CliRun.Result result = new CliRun(home).run(command.toArray(String[]::new));

      assertThat(result.exitCode()).as("%s", args).isEqualTo(1);
      assertThat(result.errLines())
          .as("%s", args)
          .singleElement()
          .asString()
          .startsWith("error: ")
          .contains(args.get(0));
      assertThat(result.out()).as("%s", args).isEmpty();
    }
  }
}
