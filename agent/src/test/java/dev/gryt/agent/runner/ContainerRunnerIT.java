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
  private final ContainerRunner runner = new ContainerRunner("podman", Runners.DEFAULT_IMAGE, true);

  @BeforeAll
  static void podmanWorks() {
    assertThat(Runners.containerProblem("podman", Runners.DEFAULT_IMAGE))
        .as("podman must run " + Runners.DEFAULT_IMAGE + " here; run bin/setup-containers")
        .isEmpty();
    assertThat(Runners.isolationProblem("podman", Runners.DEFAULT_IMAGE))
        .as("podman --userns auto must work here; run bin/setup-containers")
        .isEmpty();
  }

  @Test
  void detectedPodmanIsolates() {
    StepRunner detected = Runners.detect(RunnerKind.CONTAINER, Runners.DEFAULT_IMAGE);
    assertThat(detected.name()).isEqualTo("container:podman");
    assertThat(detected.isolates()).isTrue();
  }

  @Test
  void aStepHasNoCapabilitiesAndNoNewPrivileges() {
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(step("grep -E '^(CapEff|NoNewPrivs):' /proc/self/status").build(), lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).containsExactly("CapEff:\t0000000000000000", "NoNewPrivs:\t1");
  }

  @Test
  void rootInTheStepIsAnUnprivilegedUidOnTheHost() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result = run(step("id -u; cat /proc/self/uid_map; touch made").build(), lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines.get(0)).isEqualTo("0");
    String[] map = lines.get(1).trim().split("\\s+");
    assertThat(map[0]).isEqualTo("0");
    long hostUid = Long.parseLong(map[1]);
    assertThat(hostUid).as("uid 0 inside maps to").isGreaterThanOrEqualTo(65536);
    assertThat(map[2]).isEqualTo(Integer.toString(ContainerRunner.USERNS_SIZE));
    // what the step made belongs, on the host, to that uid: not to the agent's user
    Object owner = java.nio.file.Files.getAttribute(workspace.resolve("made"), "unix:uid");
    assertThat(((Number) owner).longValue()).isEqualTo(hostUid);
  }

  @Test
  void aStepsVariablesNeverSteerPodman() throws Exception {
    // had podman read this configuration (CONTAINERS_CONF from the step's env, as before), every
    // container would have PWNED=1 and the host's pid namespace
    java.nio.file.Path conf = workspace.resolve("evil.conf");
    java.nio.file.Files.writeString(conf, "[containers]\nenv = [\"PWNED=1\"]\npidns = \"host\"\n");
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(
            step("echo \"pwned=${PWNED:-no} conf=$CONTAINERS_CONF pid=$$\"")
                .env("CONTAINERS_CONF", conf.toString())
                .env("LD_PRELOAD", "/nonexistent/gryt-evil.so")
                .build(),
            lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).containsExactly("pwned=no conf=" + conf + " pid=1");
  }

  @Test
  void anImageThatIsAnOptionIsRefusedBeforePodmanStarts() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> runner.run(step("id").image("--privileged").build(), LogSink.discard()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("must be an image reference");
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
