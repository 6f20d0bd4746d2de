package dev.gryt.agent.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a step in a container with the podman or docker CLI: {@code run --rm} under a name derived
 * from the run and step, with CPU, memory and pid limits, no network unless allowed, the workspace
 * mounted at {@code /workspace} as the working directory. On timeout or cancel the container is
 * killed, and after every step it is removed ({@code rm -f}) whatever happened.
 */
public final class ContainerRunner extends ForkingStepRunner {
  /** How long after its timeout podman itself stops a step the agent did not stop. */
  static final long BACKSTOP_SECONDS = 10;

  private final String engine;
  private final String defaultImage;

  /**
   * @param engine the CLI to call: {@code podman} or {@code docker} (or a path to one)
   * @param defaultImage the image for steps that name none
   */
  public ContainerRunner(String engine, String defaultImage) {
    this.engine = engine;
    this.defaultImage = defaultImage;
  }

  @Override
  public String name() {
    String base = engine.substring(engine.lastIndexOf('/') + 1);
    return "container:" + base;
  }

  public String engine() {
    return engine;
  }

  public String defaultImage() {
    return defaultImage;
  }

  /** The container's name for {@code step}: {@code gryt-<run>-<step>}. */
  public static String containerName(StepSpec step) {
    return safeName("gryt-" + step.runId() + "-" + step.stepName());
  }

  @Override
  protected List<String> commandLine(StepSpec step) {
    List<String> cmd = new ArrayList<>(List.of(engine, "run", "--rm"));
    cmd.addAll(List.of("--name", containerName(step)));
    cmd.addAll(List.of("--label", "dev.gryt.run=" + step.runId()));
    Resources resources = step.resources();
    if (resources.cpu() != null) {
      cmd.addAll(List.of("--cpus", resources.cpu()));
    }
    if (resources.memory() != null) {
      cmd.addAll(List.of("--memory", resources.memory()));
    }
    if (resources.pidsLimit() > 0) {
      cmd.addAll(List.of("--pids-limit", Integer.toString(resources.pidsLimit())));
    }
    if (!step.networkAllowed()) {
      cmd.addAll(List.of("--network", "none"));
    }
    if (step.timeout() != null && name().equals("container:podman")) {
      // a backstop enforced by conmon: the step still ends should this agent die (SIGKILL)
      long seconds = step.timeout().toSeconds() + BACKSTOP_SECONDS;
      cmd.addAll(List.of("--timeout", Long.toString(seconds)));
    }
    cmd.addAll(
        List.of("-v", step.workspace().toAbsolutePath() + ":/workspace", "-w", "/workspace"));
    // "-e NAME" takes the value from the engine's own environment: values (secrets) stay off the
    // command line, where any process listing would show them.
    for (String name : step.env().keySet()) {
      cmd.addAll(List.of("-e", name));
    }
    cmd.add(step.image() != null && !step.image().isBlank() ? step.image() : defaultImage);
    cmd.addAll(List.of("sh", "-c", step.command()));
    return cmd;
  }

  @Override
  protected Map<String, String> processEnv(StepSpec step) {
    Map<String, String> env = new LinkedHashMap<>(step.env());
    // the engine itself needs these (podman keeps its state under XDG dirs / HOME)
    for (String name : List.of("HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "CONTAINERS_CONF")) {
      String value = System.getenv(name);
      if (value != null && !step.env().containsKey(name)) {
        env.put(name, value);
      }
    }
    return env;
  }

  @Override
  protected void stop(StepSpec step, Process process) {
    engine(List.of("kill", containerName(step)));
  }

  @Override
  protected void cleanUp(StepSpec step) {
    // podman would first wait 10 s for SIGTERM on a container still running; kill it outright
    engine(
        name().equals("container:podman")
            ? List.of("rm", "-f", "--time", "0", containerName(step))
            : List.of("rm", "-f", containerName(step)));
  }

  /** Whether a container with this name exists (running or not). */
  public boolean containerExists(String name) {
    try {
      Process p =
          new ProcessBuilder(engine, "container", "inspect", "--format", "{{.Name}}", name)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void engine(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(engine);
    cmd.addAll(args);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // the engine is gone: nothing left to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
