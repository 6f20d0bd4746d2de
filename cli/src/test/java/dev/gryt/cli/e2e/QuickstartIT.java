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
    int port = Gryt.freePort();
    Gryt gryt = new Gryt(dir.resolve("home"), dir);
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
      // It says which runner its agent uses: here, where podman works, the container runner.
      assertThat(Files.readString(err))
          .contains("local agent: 1 x 2 runs, runner container:podman");

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
