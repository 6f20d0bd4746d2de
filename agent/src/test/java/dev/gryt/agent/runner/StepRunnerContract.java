package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every runner does, run against each real runner by its subclass. */
abstract class StepRunnerContract {
  @TempDir Path workspace;
  @TempDir Path otherWorkspace;

  abstract StepRunner runner();

  StepSpec.Builder step(String command) {
    return StepSpec.builder(
        "run-" + UUID.randomUUID().toString().substring(0, 8), "s1", command, workspace);
  }

  @Test
  void streamsOutputWhileTheStepRuns() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<StepResult> result =
        CompletableFuture.supplyAsync(
            () -> run(step("echo first; sleep 3; echo second >&2").build(), lines::add));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lines.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(lines).containsExactly("first");
    assertThat(result).isNotDone();
    StepResult done = result.get(20, TimeUnit.SECONDS);
    assertThat(done.succeeded()).isTrue();
    assertThat(lines).containsExactly("first", "second");
  }

  @Test
  void reportsTheExitCode() {
    StepResult result = run(step("echo out; exit 7").build(), LogSink.discard());
    assertThat(result.exitCode()).isEqualTo(7);
    assertThat(result.outcome()).isEqualTo(StepResult.Outcome.EXITED);
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void passesEnvAndRunsInTheWorkspace() throws Exception {
    Files.writeString(workspace.resolve("marker.txt"), "in-workspace");
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(
            step("echo \"$GREETING\"; cat marker.txt; echo; echo made > out.txt")
                .env("GREETING", "hello world")
                .build(),
            lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).containsExactly("hello world", "in-workspace");
    assertThat(Files.readString(workspace.resolve("out.txt"))).isEqualTo("made\n");
  }

  /** Variables a runner sets for every step itself, whatever the agent has. */
  /** Set by the shell or the runner itself; the runner's own base variables (CI...) are added. */
  static final java.util.Set<String> RUNNER_VARIABLES =
      java.util.Set.of(
          "PATH", "HOME", "PWD", "OLDPWD", "SHLVL", "_", "TERM", "HOSTNAME", "container", "LANG");

  @Test
  void doesNotLeakTheAgentsEnvironment() {
    List<String> agents =
        System.getenv().entrySet().stream()
            .filter(e -> !RUNNER_VARIABLES.contains(e.getKey()))
            .filter(e -> !ForkingStepRunner.baseEnv().containsKey(e.getKey()))
            .map(e -> e.getKey() + "=" + e.getValue())
            .toList();
    assertThat(agents).as("the agent's environment this test looks for").isNotEmpty();
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result = run(step("env").env("GREETING", "hello world").build(), lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).as("the step's own variable").contains("GREETING=hello world");
    assertThat(lines)
        .noneMatch(l -> l.startsWith("JAVA_HOME=") || l.startsWith("MAVEN_"))
        .doesNotContainAnyElementsOf(agents);
  }

  @Test
  void timeoutStopsTheStep() {
    long started = System.nanoTime();
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        // Long enough for a container to start on a busy machine: the timeout counts from the
        // start.
        run(step("echo start; sleep 60").timeout(Duration.ofSeconds(5)).build(), lines::add);
    assertThat(result.timedOut()).isTrue();
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(lines).first().isEqualTo("start");
    assertThat(lines).anyMatch(l -> l.contains("timed out after 5s"));
  }

  @Test
  void cancelStopsTheStepWithinFiveSeconds() throws Exception {
    StepSpec spec = step("echo start; sleep 60").build();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<StepResult> result =
        CompletableFuture.supplyAsync(() -> run(spec, lines::add));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lines.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long cancelled = System.nanoTime();
    assertThat(runner().cancel(spec.runId())).isTrue();
    StepResult done = result.get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(5));
    assertThat(done.cancelled()).isTrue();
    assertThat(runner().cancel(spec.runId())).isFalse();
  }

  @Test
  void stepsOfDifferentRunsRunAtOnce() throws Exception {
    // A rendezvous, not a stopwatch: each step says it started and then holds until cancelled.
    // Both say so only if the second started while the first still held; run one after the
    // other, the second never starts and the wait below fails.
    // Each run has a workspace of its own, as on an agent (a container runner hands it to the
    // step's user namespace), so the test, not a shared file, is where the two meet.
    StepSpec first = step("echo ready; sleep 60").build();
    StepSpec second =
        StepSpec.builder(
                "run-" + UUID.randomUUID().toString().substring(0, 8),
                "s1",
                "echo ready; sleep 60",
                otherWorkspace)
            .build();
    List<String> firstLines = new CopyOnWriteArrayList<>();
    List<String> secondLines = new CopyOnWriteArrayList<>();
    CompletableFuture<StepResult> a =
        CompletableFuture.supplyAsync(() -> run(first, firstLines::add));
    CompletableFuture<StepResult> b =
        CompletableFuture.supplyAsync(() -> run(second, secondLines::add));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(firstLines.contains("ready") && secondLines.contains("ready"))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(firstLines).as("the first step").contains("ready");
    assertThat(secondLines).as("the second step").contains("ready");
    assertThat(a).as("the first step still holds").isNotDone();
    assertThat(b).as("the second step still holds").isNotDone();
    assertThat(runner().cancel(first.runId())).isTrue();
    assertThat(runner().cancel(second.runId())).isTrue();
    assertThat(a.get(20, TimeUnit.SECONDS).cancelled()).isTrue();
    assertThat(b.get(20, TimeUnit.SECONDS).cancelled()).isTrue();
  }

  StepResult run(StepSpec spec, LogSink sink) {
    try {
      return runner().run(spec, sink);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
