package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs podman and the base image: fails (never skips) when they are missing; bin/setup-containers
 * makes them.
 */
class ContainerRunnerIT extends StepRunnerContract {
  private final ContainerRunner runner = new ContainerRunner("podman", Runners.DEFAULT_IMAGE);

  @BeforeAll
  static void podmanWorks() {
    assertThat(Runners.containerProblem("podman", Runners.DEFAULT_IMAGE))
        .as("podman must run " + Runners.DEFAULT_IMAGE + " here; run bin/setup-containers")
        .isEmpty();
  }

  @Override
  StepRunner runner() {
    return runner;
  }

  @Test
  void nameSaysContainerAndEngine() {
    assertThat(runner.name()).isEqualTo("container:podman");
  }

  @Test
  void timedOutContainerIsGone() {
    StepSpec spec = step("sleep 60").timeout(Duration.ofSeconds(1)).build();
    StepResult result = run(spec, LogSink.discard());
    assertThat(result.timedOut()).isTrue();
    assertThat(runner.containerExists(ContainerRunner.containerName(spec))).isFalse();
  }

  @Test
  void cancelledContainerIsGone() throws Exception {
    StepSpec spec = step("echo up; sleep 60").build();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<StepResult> result =
        CompletableFuture.supplyAsync(() -> run(spec, lines::add));
    awaitLine(lines);
    runner.cancel(spec.runId());
    assertThat(result.get(5, TimeUnit.SECONDS).cancelled()).isTrue();
    assertThat(runner.containerExists(ContainerRunner.containerName(spec))).isFalse();
  }

  @Test
  void limitsAreSetOnTheContainer() throws Exception {
    StepSpec spec =
        step("echo up; sleep 30")
            .resources(new Resources("0.5", "64m", 50))
            .timeout(Duration.ofSeconds(20))
            .build();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<StepResult> result =
        CompletableFuture.supplyAsync(() -> run(spec, lines::add));
    awaitLine(lines);
    String inspected =
        podman(
            "inspect",
            "--format",
            "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}"
                + " {{.HostConfig.NetworkMode}} {{.Config.Timeout}}",
            ContainerRunner.containerName(spec));
    runner.cancel(spec.runId());
    result.get(10, TimeUnit.SECONDS);
    // the timeout is also podman's own backstop, should the agent die
    assertThat(inspected.strip()).isEqualTo("500000000 67108864 50 none 30");
  }

  @Test
  void memoryLimitIsEnforced() {
    List<String> lines = new CopyOnWriteArrayList<>();
    run(
        step("cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
            .resources(Resources.of(null, "64m"))
            .build(),
        lines::add);
    assertThat(lines).containsExactly("67108864");
  }

  @Test
  void noNetworkUnlessAllowed() {
    String countInterfaces = "tail -n +3 /proc/net/dev | grep -cv ' lo:' || true";
    List<String> closed = new CopyOnWriteArrayList<>();
    run(step(countInterfaces).build(), closed::add);
    assertThat(closed).containsExactly("0");
    List<String> open = new CopyOnWriteArrayList<>();
    run(step(countInterfaces).networkAllowed(true).build(), open::add);
    assertThat(Integer.parseInt(open.get(0))).isPositive();
  }

  @Test
  void unknownImageFailsTheStepWithTheEnginesMessage() {
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(step("true").image("localhost/gryt-no-such-image:1").build(), lines::add);
    assertThat(result.succeeded()).isFalse();
    assertThat(String.join("\n", lines)).contains("gryt-no-such-image");
  }

  private static void awaitLine(List<String> lines) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (lines.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(lines).isNotEmpty();
  }

  private static String podman(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("podman"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
