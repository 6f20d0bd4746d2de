package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gryt-step-runner}, the script the run pods execute, run as the pod would run it: each step
 * a process of its own (a container), started all at once, sharing the {@code /gryt} directory
 * (here a temporary one); each leaves its result where the kubelet reads a termination message.
 */
class GrytStepRunnerIT {
  static final Path SCRIPT = RepoFiles.find("operator/src/main/sh/gryt-step-runner");

  @TempDir Path dir;

  @Test
  void stepsRunInOrderAndTheFirstFailureSkipsTheRest() throws Exception {
    Path gryt = dir.resolve("gryt");
    assertThat(run(List.of("install", gryt.toString()), Map.of()).waitFor()).isZero();
    Path runner = gryt.resolve("bin/gryt-step-runner");
    assertThat(runner).isExecutable();
    Path workspace = Files.createDirectories(dir.resolve("workspace"));

    // Started in reverse order: each step still waits for the one before it.
    List<Process> steps = new ArrayList<>();
    steps.add(step(runner, 2, "after", "echo never >> order", null));
    steps.add(step(runner, 1, "build", "echo build >> order; exit 3", null));
    steps.add(step(runner, 0, "test", "sleep 1; echo test >> order", null));
    for (Process p : steps) {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(Files.readAllLines(workspace.resolve("order"))).containsExactly("test", "build");
    assertThat(steps.get(2).exitValue()).isZero();
    assertThat(steps.get(1).exitValue()).isEqualTo(3);
    assertThat(steps.get(0).exitValue()).as("a skipped step does not fail its container").isZero();
    assertThat(message(0)).containsEntry("reason", "Succeeded").containsEntry("exit", "0");
    assertThat(message(1)).containsEntry("reason", "Failed").containsEntry("exit", "3");
    assertThat(message(2)).containsEntry("reason", "Skipped");
    assertThat(message(0)).containsKeys("started", "finished");
  }

  @Test
  void aStepOverItsTimeoutIsKilledAndRetried() throws Exception {
    Path gryt = dir.resolve("gryt");
    run(List.of("install", gryt.toString()), Map.of()).waitFor();
    Files.createDirectories(dir.resolve("workspace"));

    Process slow =
        step(
            gryt.resolve("bin/gryt-step-runner"),
            0,
            "slow",
            "echo try >> tries; sleep 30",
            "1",
            "1");

    assertThat(slow.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(slow.exitValue()).isEqualTo(124);
    assertThat(message(0)).containsEntry("reason", "TimedOut").containsEntry("attempts", "2");
    assertThat(Files.readAllLines(dir.resolve("workspace/tries"))).hasSize(2);
  }

  @Test
  void checkoutClonesTheRefAndReportsTheCommit() throws Exception {
    Path origin = Files.createDirectories(dir.resolve("origin"));
    git(origin, "init", "-q", "-b", "main");
    Files.writeString(origin.resolve("README"), "hello");
    git(origin, "add", "README");
    git(origin, "-c", "user.email=ci@gryt.dev", "-c", "user.name=ci", "commit", "-qm", "first");
    git(origin, "checkout", "-q", "-b", "develop");
    Files.writeString(origin.resolve("README"), "develop");
    git(origin, "-c", "user.email=ci@gryt.dev", "-c", "user.name=ci", "commit", "-qam", "second");
    String head = git(origin, "rev-parse", "HEAD").strip();
    Path gryt = dir.resolve("gryt");
    run(List.of("install", gryt.toString()), Map.of()).waitFor();
    Path workspace = Files.createDirectories(dir.resolve("workspace"));

    Process checkout =
        run(
            List.of("checkout"),
            Map.of(
                "GRYT_DIR", gryt.toString(),
                "GRYT_GIT_URL", origin.toUri().toString(),
                "GRYT_GIT_REF", "develop",
                "GRYT_CHECKOUT_DIR", workspace.resolve("src").toString(),
                "GRYT_TERMINATION_LOG", dir.resolve("checkout.msg").toString(),
                "HOME", dir.toString()),
            workspace);

    assertThat(checkout.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(checkout.exitValue()).isZero();
    assertThat(Files.readString(workspace.resolve("src/README"))).isEqualTo("develop");
    assertThat(Files.readString(dir.resolve("checkout.msg")).strip()).isEqualTo("commit=" + head);
  }

  private Process step(Path runner, int index, String name, String command, String timeout)
      throws IOException {
    return step(runner, index, name, command, timeout, null);
  }

  private Process step(
      Path runner, int index, String name, String command, String timeout, String retries)
      throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("GRYT_DIR", dir.resolve("gryt").toString());
    env.put("GRYT_STEP_NAME", name);
    env.put("GRYT_STEP_COMMAND", command);
    env.put("GRYT_TERMINATION_LOG", dir.resolve(index + ".msg").toString());
    if (timeout != null) {
      env.put("GRYT_STEP_TIMEOUT", timeout);
    }
    if (retries != null) {
      env.put("GRYT_STEP_RETRIES", retries);
    }
    ProcessBuilder pb =
        new ProcessBuilder("sh", runner.toString(), "step", Integer.toString(index))
            .directory(dir.resolve("workspace").toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(index + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private Map<String, String> message(int index) throws IOException {
    return BatchJobPlacement.fields(Files.readString(dir.resolve(index + ".msg")));
  }

  private Process run(List<String> args, Map<String, String> env) throws IOException {
    return run(args, env, dir);
  }

  private Process run(List<String> args, Map<String, String> env, Path cwd) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("runner-" + args.get(0) + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private static String git(Path repo, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
