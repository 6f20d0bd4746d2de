package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quickstart, as a user follows it: {@code bin/quickstart} (the local example
 * repository, then {@code gryt server --apply examples/} with its in-process agent), then the next
 * steps the server prints, run as printed: trigger the example job, follow its logs to the end.
 * Only the port differs (a free one, not 8080), and the server runs in a directory of its own.
 */
class QuickstartIT {
  @TempDir Path dir;

  @Test
  void theQuickstartEndsWithARunWhoseLogsStreamToTheTerminal() throws Exception {
    // It says which runner its agent uses: here, where podman works, the container runner.
    quickstart(
        new Gryt(dir.resolve("home"), dir), "local agent: 1 x 2 runs, runner container:podman");
  }

  /**
   * A fresh machine has neither podman nor bubblewrap (here: both on the PATH first, failing, as a
   * broken install would): the example job still runs, on the process runner, and the server says
   * so in one line with the way to isolation.
   */
  @Test
  void onAMachineWhereNoSandboxWorksTheExampleRunsOnTheProcessRunner() throws Exception {
    Path fakes = Files.createDirectories(dir.resolve("no-sandbox-bin"));
    for (String tool : List.of("podman", "docker", "bwrap")) {
      Path fake = fakes.resolve(tool);
      Files.writeString(fake, "#!/bin/sh\necho \"" + tool + ": not installed\" >&2\nexit 127\n");
      fake.toFile().setExecutable(true);
    }
    Gryt gryt = new Gryt(dir.resolve("home"), dir).env("PATH", fakes + ":" + System.getenv("PATH"));
    String err =
        quickstart(gryt, "local agent: 1 x 2 runs, runner process (does not isolate steps");
    assertThat(err)
        .contains("note: no runner works here")
        .contains("the process runner, without isolation, and refuses tenants' runs")
        .contains("bin/setup-containers")
        .doesNotContain("warning: no local agent");
  }

  /** Runs the quickstart and its printed next steps; returns what the server printed on stderr. */
  private String quickstart(Gryt gryt, String runnerLine) throws Exception {
    int port = Gryt.freePort();
    Path out = dir.resolve("quickstart.out");
    Path err = dir.resolve("quickstart.err");
    Process server = gryt.startScript(out, err, "quickstart", "--port", "" + port);
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!server.isAlive()) {
                  throw new AssertionError(Files.readString(out) + Files.readString(err));
                }
                return Files.readString(out).contains("Next, in another terminal:");
              });
      String printed = Files.readString(out);
      assertThat(printed).contains("job/hello-ci created");
      assertThat(Files.readString(err)).contains(runnerLine);

      List<String> next = nextSteps(printed);
      assertThat(next.get(0)).startsWith("bin/gryt cloud jobs run hello-ci --server ");
      assertThat(next.get(1)).startsWith("bin/gryt cloud runs logs RUN_ID -f --server ");

      Gryt.Result started = gryt.run(arguments(next.get(0)));
      assertThat(started.exitCode()).as(started.err()).isZero();
      Matcher id = Pattern.compile("(run-[0-9a-f]+) started").matcher(started.out());
      assertThat(id.find()).as(started.out()).isTrue();

      Gryt.Result logs =
          gryt.run(Duration.ofSeconds(60), arguments(next.get(1).replace("RUN_ID", id.group(1))));
      assertThat(logs.exitCode()).as(logs.err()).isZero();
      assertThat(logs.outLines())
          .containsExactly(
              "==> step test",
              "test passed: hello from gryt",
              "==> step build",
              "HELLO FROM GRYT",
              "==> run " + id.group(1) + " Succeeded");
      assertThat(
              gryt.get(port, "/api/v1/runs/" + id.group(1)).path("status").path("phase").asText())
          .isEqualTo("Succeeded");
      return Files.readString(err);
    } finally {
      Gryt.stop(server);
    }
  }

  /** The commands of the "Next" block, without their comments. */
  private static List<String> nextSteps(String printed) {
    List<String> commands = new ArrayList<>();
    boolean in = false;
    for (String line : printed.lines().toList()) {
      if (line.startsWith("Next, in another terminal:")) {
        in = true;
      } else if (in && line.startsWith("  bin/gryt ")) {
        commands.add(line.replaceFirst("#.*$", "").strip());
      }
    }
    return commands;
  }

  /** {@code bin/gryt a b c} → the launcher's arguments {@code a b c}. */
  private static String[] arguments(String command) {
    List<String> words = List.of(command.split("\\s+"));
    assertThat(words.get(0)).isEqualTo("bin/gryt");
    return words.subList(1, words.size()).toArray(String[]::new);
  }
}
