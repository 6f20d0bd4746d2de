package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command lines the container runner builds, without running them. */
class ContainerRunnerTest {
  private static final Path WS = Path.of("/tmp/gryt-ws");
  private final ContainerRunner podman = new ContainerRunner("podman", Runners.DEFAULT_IMAGE, true);
  private final ContainerRunner docker = new ContainerRunner("docker", Runners.DEFAULT_IMAGE, true);

  private static StepSpec.Builder step(String command) {
    return StepSpec.builder("run-1", "build", command, WS);
  }

  @Test
  void aPodmanStepHasItsOwnUserNamespaceNoCapabilitiesAndNoNewPrivileges() {
    List<String> cmd = podman.commandLine(step("make").build());
    assertThat(podman.isolates()).isTrue();
    assertThat(String.join(" ", cmd))
        .contains("--userns auto:size=65536")
        .contains("--cap-drop ALL")
        .contains("--security-opt no-new-privileges")
        .contains("--pid private --ipc private --uts private --cgroupns private")
        .contains("--network none")
        .contains("-v /tmp/gryt-ws:/workspace:U -w /workspace")
        .doesNotContain("--privileged")
        .doesNotContain("--network host")
        .doesNotContain("--pid host");
  }

  @Test
  void theImageComesAfterTheEndOfOptionsAndTheCommandAfterIt() {
    List<String> cmd = podman.commandLine(step("make test").image("busybox:1.36").build());
    int end = cmd.indexOf("--");
    assertThat(end).isPositive();
    assertThat(cmd.subList(end, cmd.size()))
        .containsExactly("--", "busybox:1.36", "sh", "-c", "make test");
    assertThat(cmd.subList(0, end)).doesNotContain("busybox:1.36", "make test");
  }

  @Test
  void stepVariablesTravelInAReadOnlyFileNeverThroughPodmansEnvironment() {
    StepSpec spec =
        step("make")
            .env("LD_PRELOAD", "/workspace/evil.so")
            .env("CONTAINERS_CONF", "/workspace/evil.conf")
            .env("TOKEN", "s3cret")
            .build();
    List<String> cmd = podman.commandLine(spec);
    assertThat(cmd).doesNotContain("-e", "--env", "LD_PRELOAD", "TOKEN");
    assertThat(String.join(" ", cmd)).doesNotContain("s3cret");
    assertThat(cmd)
        .anySatisfy(arg -> assertThat(arg).endsWith(":" + ContainerRunner.ENV_FILE + ":ro,U"));
    int end = cmd.indexOf("--");
    assertThat(cmd.subList(end + 1, cmd.size()))
        .containsExactly(
            Runners.DEFAULT_IMAGE,
            "sh",
            "-c",
            ". " + ContainerRunner.ENV_FILE + " && exec sh -c \"$1\"",
            "sh",
            "make");
    assertThat(podman.processEnv(spec).keySet())
        .isSubsetOf("HOME", "XDG_RUNTIME_DIR")
        .doesNotContain("LD_PRELOAD", "CONTAINERS_CONF", "TOKEN");
  }

  @Test
  void theEnvFileQuotesEveryValueForTheShell() {
    String text =
        ContainerRunner.envFileText(
            new java.util.LinkedHashMap<>(
                java.util.Map.of("A", "it's $(id) `x`\nline two", "bad-name", "x")));
    assertThat(text).isEqualTo("export A='it'\\''s $(id) `x`\nline two'\n");
  }

  @Test
  void aStepAllowedTheNetworkGetsPodmansUserModeNetworkNeverTheHosts() {
    List<String> cmd = podman.commandLine(step("curl x").networkAllowed(true).build());
    assertThat(String.join(" ", cmd))
        .contains("--network slirp4netns:allow_host_loopback=false")
        .doesNotContain("--network none")
        .doesNotContain("--network host");
  }

  @Test
  void limitsAndTheBackstopStayBeforeTheImage() {
    List<String> cmd =
        podman.commandLine(
            step("x")
                .resources(new Resources("0.5", "64m", 50))
                .timeout(Duration.ofSeconds(20))
                .build());
    assertThat(String.join(" ", cmd.subList(0, cmd.indexOf("--"))))
        .contains("--cpus 0.5 --memory 64m --pids-limit 50")
        .contains("--timeout 30");
  }

  @Test
  void dockerNeverCountsAsIsolatingButStillDropsCapabilities() {
    List<String> cmd = docker.commandLine(step("make").build());
    assertThat(docker.isolates()).isFalse();
    assertThat(String.join(" ", cmd))
        .contains("--cap-drop ALL --security-opt no-new-privileges")
        .contains(":/workspace -w")
        .doesNotContain("--userns")
        .doesNotContain(":U");
  }

  @Test
  void aPodmanWithoutSubordinateIdsDoesNotIsolate() {
    ContainerRunner plain = new ContainerRunner("podman", Runners.DEFAULT_IMAGE, false);
    assertThat(plain.isolates()).isFalse();
    assertThat(String.join(" ", plain.commandLine(step("x").build())))
        .doesNotContain("--userns")
        .contains("--cap-drop ALL");
  }

  @Test
  void anImageThatIsAnOptionNeverReachesTheEngine() {
    // the engine does not exist: had the runner tried to start it, the error would say so
    ContainerRunner runner = new ContainerRunner("/nonexistent/podman", Runners.DEFAULT_IMAGE);
    for (String image : List.of("--privileged", "containers-storage:x", "docker://x")) {
      assertThatThrownBy(() -> runner.run(step("id").image(image).build(), LogSink.discard()))
          .as(image)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("image \"" + image + "\"");
    }
  }
}
