package dev.gryt.agent.runner;

import dev.gryt.crds.ImageReferences;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a step in a container with the podman or docker CLI: {@code run --rm} under a name derived
 * from the run and step, with CPU, memory and pid limits, no network unless allowed, the workspace
 * mounted at {@code /workspace} as the working directory. On timeout or cancel the container is
 * killed, and after every step it is removed ({@code rm -f}) whatever happened.
 *
 * <p>Every step is treated as hostile: no capabilities ({@code --cap-drop ALL}), no new privileges,
 * its own pid, ipc, uts and cgroup namespaces, and with podman where subordinate ids exist ({@link
 * #isolates()}) a user namespace of its own ({@code --userns auto}): uid 0 inside is an
 * unprivileged uid on the host, and the workspace is handed to it ({@code :U}). A step allowed the
 * network gets podman's slirp4netns namespace, which cannot reach the host's loopback. The image
 * comes after {@code --}, so it is never read as an option. The step's variables reach it in a file
 * mounted read-only at {@link #ENV_FILE} and sourced before the command: podman's own environment
 * carries none of them (a step's {@code LD_PRELOAD} or {@code CONTAINERS_CONF} would steer podman,
 * which runs as the agent) and none of the agent's but {@code HOME} and {@code XDG_RUNTIME_DIR}.
 */
public final class ContainerRunner extends ForkingStepRunner {
  /** How long after its timeout podman itself stops a step the agent did not stop. */
  static final long BACKSTOP_SECONDS = 10;

  /** Where a step's variables are, inside its container. */
  public static final String ENV_FILE = "/run/gryt/env";

  /** The ids a step's user namespace gets (podman {@code --userns auto:size=}). */
  static final int USERNS_SIZE = 65536;

  /** The flags that make a podman container a tenant's: {@link Runners} probes them. */
  static final List<String> PODMAN_ISOLATION =
      List.of(
          "--userns",
          "auto:size=" + USERNS_SIZE,
          "--cap-drop",
          "ALL",
          "--security-opt",
          "no-new-privileges");

  /** The agent's variables podman itself needs (rootless podman keeps its state under them). */
  private static final List<String> ENGINE_ENV = List.of("HOME", "XDG_RUNTIME_DIR");

  private static final java.util.regex.Pattern ENV_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String engine;
  private final String defaultImage;
  private final boolean isolating;
  private Path envDir;

  /**
   * A runner that does not isolate steps (see {@link #ContainerRunner(String, String, boolean)}).
   *
   * @param engine the CLI to call: {@code podman} or {@code docker} (or a path to one)
   * @param defaultImage the image for steps that name none
   */
  public ContainerRunner(String engine, String defaultImage) {
    this(engine, defaultImage, false);
  }

  /**
   * @param engine the CLI to call: {@code podman} or {@code docker} (or a path to one)
   * @param defaultImage the image for steps that name none
   * @param isolating give each step a user namespace of its own ({@code --userns auto}); podman
   *     only, and only where {@link Runners#isolationProblem} found it works
   */
  public ContainerRunner(String engine, String defaultImage, boolean isolating) {
    this.engine = engine;
    this.defaultImage = defaultImage;
    this.isolating = isolating && isPodman(engine);
  }

  @Override
  public String name() {
    String base = engine.substring(engine.lastIndexOf('/') + 1);
    return "container:" + base;
  }

  /**
   * True for podman with user namespaces: uid 0 in the step is nobody on the host. Docker's root in
   * a container is the host's root (it shares the daemon's user namespace), so it never is.
   */
  @Override
  public boolean isolates() {
    return isolating;
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

  /** The image {@code step} runs in: its own, else the default. */
  String imageOf(StepSpec step) {
    return step.image() != null && !step.image().isBlank() ? step.image() : defaultImage;
  }

  @Override
  public StepResult run(StepSpec step, LogSink sink) throws IOException, InterruptedException {
    String image = imageOf(step);
    Optional<String> problem = ImageReferences.problem(image);
    if (problem.isPresent()) {
      // the server refuses these at apply; an agent never lets one reach the engine either
      throw new IOException("image " + problem.get());
    }
    Path envFile = step.env().isEmpty() ? null : writeEnvFile(step);
    try {
      return super.run(step, sink);
    } finally {
      if (envFile != null) {
        Files.deleteIfExists(envFile);
      }
    }
  }

  @Override
  protected List<String> commandLine(StepSpec step) {
    boolean podman = isPodman(engine);
    List<String> cmd = new ArrayList<>(List.of(engine, "run", "--rm"));
    cmd.addAll(List.of("--name", containerName(step)));
    cmd.addAll(List.of("--label", "dev.gryt.run=" + step.runId()));
    if (isolating) {
      cmd.addAll(PODMAN_ISOLATION);
    } else {
      cmd.addAll(List.of("--cap-drop", "ALL", "--security-opt", "no-new-privileges"));
    }
    // docker's --pid and --uts know only "host" and "container:"; their default is private
    cmd.addAll(
        podman
            ? List.of(
                "--pid", "private", "--ipc", "private", "--uts", "private", "--cgroupns", "private")
            : List.of("--ipc", "private", "--cgroupns", "private"));
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
    } else if (podman) {
      // a namespace of its own with user-mode NAT; never the host's network or its loopback
      cmd.addAll(List.of("--network", "slirp4netns:allow_host_loopback=false"));
    }
    if (step.timeout() != null && podman) {
      // a backstop enforced by conmon: the step still ends should this agent die (SIGKILL)
      long seconds = step.timeout().toSeconds() + BACKSTOP_SECONDS;
      cmd.addAll(List.of("--timeout", Long.toString(seconds)));
    }
    // :U gives the workspace to the step's root (lchown: links in it are not followed)
    String own = podman ? ":U" : "";
    cmd.addAll(
        List.of("-v", step.workspace().toAbsolutePath() + ":/workspace" + own, "-w", "/workspace"));
    if (!step.env().isEmpty()) {
      cmd.addAll(List.of("-v", envFile(step) + ":" + ENV_FILE + ":ro" + (podman ? ",U" : "")));
    }
    cmd.add("--");
    cmd.add(imageOf(step));
    if (step.env().isEmpty()) {
      cmd.addAll(List.of("sh", "-c", step.command()));
    } else {
      // the step's command runs as `sh -c COMMAND` always, after its variables are exported
      cmd.addAll(
          List.of("sh", "-c", ". " + ENV_FILE + " && exec sh -c \"$1\"", "sh", step.command()));
    }
    return cmd;
  }

  @Override
  protected Map<String, String> processEnv(StepSpec step) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : ENGINE_ENV) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    return env;
  }

  /** {@code export NAME='value'} lines: single quotes keep every byte but {@code '} literal. */
  static String envFileText(Map<String, String> env) {
    StringBuilder text = new StringBuilder();
    env.forEach(
        (name, value) -> {
          if (ENV_NAME.matcher(name).matches()) {
            text.append("export ")
                .append(name)
                .append("='")
                .append(value.replace("'", "'\\''"))
                .append("'\n");
          }
        });
    return text.toString();
  }

  private Path envFile(StepSpec step) {
    return envDir().resolve(containerName(step) + ".env");
  }

  /** A directory only the agent's user can enter; the file is handed to the step's root by :U. */
  private synchronized Path envDir() {
    if (envDir == null) {
      try {
        envDir =
            Files.createTempDirectory(
                "gryt-env-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make a directory for step variables", e);
      }
    }
    return envDir;
  }

  private Path writeEnvFile(StepSpec step) throws IOException {
    Path file = envFile(step);
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, envFileText(step.env()), StandardCharsets.UTF_8);
    return file;
  }

  private static boolean isPodman(String engine) {
    return engine.substring(engine.lastIndexOf('/') + 1).equals("podman");
  }

  @Override
  protected void stop(StepSpec step, Process process) {
    engine(List.of("kill", containerName(step)));
  }

  @Override
  protected void cleanUp(StepSpec step) {
    // podman would first wait 10 s for SIGTERM on a container still running; kill it outright
    engine(
        isPodman(engine)
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
