package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ProcessRunnerIT extends StepRunnerContract {
  private final ProcessRunner runner = new ProcessRunner();

  @Override
  StepRunner runner() {
    return runner;
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    // the grandchild writes a pid file; after the timeout it must be gone too
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(
            step("(sleep 60 & echo $! > child.pid; wait) ; sleep 60")
                .timeout(java.time.Duration.ofSeconds(1))
                .build(),
            lines::add);
    assertThat(result.timedOut()).isTrue();
    long pid =
        Long.parseLong(java.nio.file.Files.readString(workspace.resolve("child.pid")).strip());
    assertThat(runningOrSleeping(pid)).isFalse();
  }

  /** A killed process whose parent is gone may stay a zombie where pid 1 does not reap: dead. */
  private static boolean runningOrSleeping(long pid) throws java.io.IOException {
    java.nio.file.Path status = java.nio.file.Path.of("/proc/" + pid + "/status");
    if (!java.nio.file.Files.exists(status)) {
      return false;
    }
    return java.nio.file.Files.readAllLines(status).stream()
        .filter(l -> l.startsWith("State:"))
        .noneMatch(l -> l.contains("Z") || l.contains("X"));
  }
}
