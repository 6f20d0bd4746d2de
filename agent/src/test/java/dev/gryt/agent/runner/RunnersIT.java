package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Detection against what this machine really has (bin/setup-containers makes podman work). */
class RunnersIT {
  @Test
  void autoPicksAWorkingContainerEngine() {
    StepRunner runner = Runners.detect(RunnerKind.AUTO, Runners.DEFAULT_IMAGE);
    assertThat(runner.name()).isEqualTo("container:podman");
  }

  @Test
  void autoFallsBackToTheSandboxWhenNoEngineRunsTheImage() {
    StepRunner runner = Runners.detect(RunnerKind.AUTO, "localhost/gryt-no-such-image:0");
    assertThat(runner.name()).isEqualTo("sandbox:bwrap");
  }

  @Test
  void containerOnlyFailsSayingWhatWasTried() {
    assertThatThrownBy(() -> Runners.detect(RunnerKind.CONTAINER, "localhost/gryt-no-such-image:0"))
        .hasMessageContaining("podman: exit")
        .hasMessageContaining("docker:")
        .hasMessageContaining("bin/setup-containers");
  }

  @Test
  void processOnlyWhenAskedFor() {
    assertThat(Runners.detect(RunnerKind.PROCESS, null).name()).isEqualTo("process");
    assertThat(Runners.detect(RunnerKind.SANDBOX, null).name()).isEqualTo("sandbox:bwrap");
  }
}
