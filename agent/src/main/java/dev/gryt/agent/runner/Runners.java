package dev.gryt.agent.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Picks the runner: a container engine that really runs a container with the default image (a
 * docker CLI without a daemon does not count), else bubblewrap where it really makes a sandbox. The
 * plain process runner only when asked for by name.
 */
public final class Runners {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Runners.class);

  /** The image bin/setup-containers builds; the default for steps and pipelines that name none. */
  public static final String DEFAULT_IMAGE = "localhost/gryt-base:latest";

  private static final List<String> ENGINES = List.of("podman", "docker");

  private Runners() {}

  /**
   * The runner for {@code kind}.
   *
   * @throws IllegalStateException naming what was tried and why it failed, when no runner of that
   *     kind works here
   */
  public static StepRunner detect(RunnerKind kind, String defaultImage) {
    String image = defaultImage == null ? DEFAULT_IMAGE : defaultImage;
    List<String> tried = new ArrayList<>();
    switch (kind) {
      case PROCESS:
        return new ProcessRunner();
      case CONTAINER:
      case AUTO:
        for (String engine : ENGINES) {
          Optional<String> isolation =
              engine.equals("podman")
                  ? isolationProblem(engine, image)
                  : Optional.of("docker's root in a container is the host's root");
          if (isolation.isEmpty()) {
            return new ContainerRunner(engine, image, true);
          }
          Optional<String> problem = containerProblem(engine, image);
          if (problem.isEmpty()) {
            LOG.warn(
                "{} runs containers but cannot isolate them ({}): tenants' runs are refused here;"
                    + " bin/setup-containers sets up the subordinate ids podman's --userns auto"
                    + " needs",
                engine,
                isolation.get());
            return new ContainerRunner(engine, image, false);
          }
          tried.add(engine + ": " + problem.get());
        }
        if (kind == RunnerKind.CONTAINER) {
          throw new IllegalStateException(
              "no container engine works here ("
                  + String.join("; ", tried)
                  + "); run bin/setup-containers, or choose --runner sandbox");
        }
      // fall through to the sandbox
      case SANDBOX:
      default:
        Optional<String> problem = sandboxProblem("bwrap");
        if (problem.isEmpty()) {
          if (!tried.isEmpty()) {
            LOG.warn(
                "no container engine works here ({}); steps run in the bubblewrap sandbox",
                String.join("; ", tried));
          }
          return new SandboxRunner("bwrap");
        }
        tried.add("bwrap: " + problem.get());
        throw new IllegalStateException(
            "no runner works here ("
                + String.join("; ", tried)
                + "); install podman or bubblewrap (bin/setup-containers), or choose --runner"
                + " process explicitly");
    }
  }

  /**
   * The runner's name and whether it isolates, as an agent says at start: {@code container:podman
   * (isolates steps: tenants' runs too)}.
   */
  public static String describe(StepRunner runner) {
    return runner.name()
        + (runner.isolates()
            ? " (isolates steps: tenants' runs too)"
            : " (does not isolate steps: only the admin's own namespaces; tenants' runs are"
                + " refused)");
  }

  /** Empty when {@code engine} runs a container of {@code image}; else why not. */
  public static Optional<String> containerProblem(String engine, String image) {
    return probe(List.of(engine, "run", "--rm", "--network", "none", image, "true"));
  }

  /**
   * Empty when podman runs a container of {@code image} in a user namespace of its own with no
   * capabilities ({@link ContainerRunner#PODMAN_ISOLATION}); else why not (typically: no
   * subordinate ids for the {@code containers} user in /etc/subuid).
   */
  public static Optional<String> isolationProblem(String engine, String image) {
    List<String> command = new ArrayList<>(List.of(engine, "run", "--rm"));
    command.addAll(ContainerRunner.PODMAN_ISOLATION);
    command.addAll(List.of("--network", "none", "--", image, "true"));
    return probe(command);
  }

  /** Empty when bubblewrap makes a sandbox here; else why not. */
  public static Optional<String> sandboxProblem(String bwrap) {
    return probe(
        List.of(
            bwrap,
            "--die-with-parent",
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--unshare-net",
            "--unshare-pid",
            "true"));
  }

  /** Empty when {@code command} runs and exits 0 within a minute; else why not. */
  static Optional<String> probe(List<String> command) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return Optional.of("not installed");
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of("no answer within 60s");
      }
      if (process.exitValue() == 0) {
        return Optional.empty();
      }
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String firstLine = output.lines().findFirst().orElse("");
      return Optional.of(
          "exit " + process.exitValue() + (firstLine.isEmpty() ? "" : ": " + firstLine));
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
