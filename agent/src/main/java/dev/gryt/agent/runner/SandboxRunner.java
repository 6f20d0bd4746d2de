package dev.gryt.agent.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a step in a bubblewrap sandbox: the host's system directories read-only, a private {@code
 * /tmp}, fresh {@code /proc} and {@code /dev}, only the workspace writable (at {@code /workspace}),
 * and everything dies with the agent. No CPU/memory limits: bwrap has none (that is the container
 * runner's job).
 *
 * <p>Where the machine has user namespaces the step is isolated (see {@link #isolates()}): it runs
 * in a user namespace whose only id maps to an unprivileged host user, with no capability (bounding
 * set included), no new privileges, no further user namespaces, and its own pid, ipc, uts, cgroup
 * and network namespaces; its environment reaches bwrap through a pipe, never a command line or a
 * file. An agent running as root starts the step as the dedicated user {@value #STEP_USER} (made by
 * bin/setup-containers). Agents keep such a runner's workspaces under {@link #STEP_WORKSPACES}
 * ({@link #workspaceRoot}), a directory of root's that others may pass through but not list, so
 * that bwrap, started as that user, reaches the workspace by its path; a workspace elsewhere (a
 * {@code gryt run} from a private directory), which that user may not reach, is first bound onto
 * {@code /run/gryt-sandbox} in a private mount namespace, two processes more per step (bwrap's
 * {@code --bind-fd} would spare them, but bwrap 0.8 resolves the descriptor back to its path).
 * Every process the wrapper starts delays the step: the environment comes through a pipe, not a
 * file the wrapper must remove. A step that may use the network gets it from slirp4netns (outbound
 * only, the host's loopback refused) in that network namespace of its own. Without user namespaces
 * the sandbox still separates the file system but the step keeps the agent's user: such a runner
 * must not take a tenant's step.
 */
public final class SandboxRunner extends ForkingStepRunner {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SandboxRunner.class);

  /** The unprivileged host user a root agent runs steps as. */
  public static final String STEP_USER = "gryt-step";

  private static final List<String> SYSTEM_DIRS =
      List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

  /** The descriptor bwrap reads the step's environment from ({@code --args}): the pipe. */
  private static final String ARGS_FD = "3";

  /**
   * Where a root agent binds a workspace that {@link #STEP_USER} cannot reach, in the step's
   * private mount namespace only.
   */
  private static final Path MOUNT_POINT = Path.of("/run/gryt-sandbox");

  /**
   * Where a root agent keeps the workspaces of this runner's steps: root's, mode 0711 (passed
   * through, never listed), each workspace {@link #STEP_USER}'s with mode 0700. Only bwrap and
   * slirp4netns ever run as that user outside a sandbox, and a sandbox does not see this directory.
   */
  public static final Path STEP_WORKSPACES = Path.of("/var/lib/gryt-steps");

  private static final Set<PosixFilePermission> PASS_THROUGH =
      PosixFilePermissions.fromString("rwx--x--x");

  /** How long a step with network waits for slirp4netns to configure its interface. */
  private static final long NETWORK_WAIT_MILLIS = 10_000;

  /**
   * How bwrap is started: as the agent's own user without user namespaces (not isolated), in a user
   * namespace of the agent's (unprivileged) user, or, from root, as {@link #STEP_USER}.
   */
  enum Isolation {
    NONE,
    OWN_USER,
    STEP_USER
  }

  /** What {@link #isolationProblem} found, per bwrap: the machine does not change under us. */
  private static final Map<String, Optional<String>> PROBED = new ConcurrentHashMap<>();

  private final String bwrap;
  private final Isolation isolation;
  private final String whyNot;
  private final boolean slirp;
  private final Map<String, Process> networks = new ConcurrentHashMap<>();

  public SandboxRunner() {
    this("bwrap");
  }

  /** Probes what this machine allows (user namespaces, the step user, slirp4netns). */
  public SandboxRunner(String bwrap) {
    this.bwrap = bwrap;
    Optional<String> problem = PROBED.computeIfAbsent(bwrap, SandboxRunner::isolationProblem);
    this.isolation =
        problem.isPresent() ? Isolation.NONE : root() ? Isolation.STEP_USER : Isolation.OWN_USER;
    this.whyNot = problem.orElse(null);
    this.slirp =
        isolation != Isolation.NONE && works(List.of("slirp4netns", "--version")) && tunUsable();
    if (isolation == Isolation.NONE) {
      LOG.warn(
          "the sandbox cannot isolate steps here ({}): they run as the agent's own user with its"
              + " capabilities, so this agent must not take a tenant's run; run bin/setup-containers",
          whyNot);
    } else if (!slirp) {
      LOG.warn(
          "slirp4netns or /dev/net/tun is not usable here: steps allowed the network will have"
              + " none; run bin/setup-containers");
    }
  }

  @Override
  public String name() {
    return "sandbox:bwrap";
  }

  /** Whether a tenant's step may run here: true where steps get a user namespace of their own. */
  @Override
  public boolean isolates() {
    return isolation != Isolation.NONE;
  }

  /**
   * {@link #STEP_WORKSPACES} for a root agent, so that its steps' workspaces need no mount
   * namespace of their own; else the agent's work directory.
   */
  @Override
  public Path workspaceRoot(Path workDir) {
    return isolation == Isolation.STEP_USER ? STEP_WORKSPACES : workDir;
  }

  /** Why {@link #isolates()} is false, or empty. */
  public Optional<String> whyNotIsolated() {
    return Optional.ofNullable(whyNot);
  }

  @Override
  protected void prepare(StepSpec step) throws IOException {
    if (isolation == Isolation.STEP_USER) {
      handOver(step.workspace());
      if (inStepWorkspaces(step)) {
        // Under the pass-through directory a workspace is its step user's alone.
        Files.setPosixFilePermissions(
            step.workspace(), PosixFilePermissions.fromString("rwx------"));
      }
    }
  }

  /**
   * Whether the step's workspace lies under {@link #STEP_WORKSPACES}, where its user reaches it.
   */
  private static boolean inStepWorkspaces(StepSpec step) {
    return step.workspace().toAbsolutePath().normalize().startsWith(STEP_WORKSPACES);
  }

  /** The step's environment as bwrap's {@code --args} reads it: NUL-separated options. */
  @Override
  protected byte[] input(StepSpec step) {
    if (isolation == Isolation.NONE) {
      return null;
    }
    StringBuilder content = new StringBuilder();
    Map<String, String> env = new LinkedHashMap<>(baseEnv());
    env.put("HOME", "/tmp");
    env.putAll(step.env());
    env.forEach(
        (name, value) ->
            content.append("--setenv\0").append(name).append('\0').append(value).append('\0'));
    return content.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected List<String> commandLine(StepSpec step) {
    if (isolation == Isolation.NONE) {
      return unisolated(step);
    }
    boolean network = step.networkAllowed() && slirp;
    List<String> cmd = new ArrayList<>();
    String workspace = step.workspace().toAbsolutePath().toString();
    // The environment arrives on stdin: bwrap reads it from another descriptor, and the step
    // gets /dev/null as its stdin, as every runner's steps do.
    String open = "exec " + ARGS_FD + "<&0 </dev/null";
    if (isolation == Isolation.STEP_USER && inStepWorkspaces(step)) {
      cmd.addAll(List.of("sh", "-c", open + " && exec \"$@\"", "sh"));
      cmd.addAll(stepUser());
    } else if (isolation == Isolation.STEP_USER) {
      // The workspace, which the step user may not reach by its path, is bound where it can, in a
      // mount namespace that dies with the step.
      cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "--"));
      open += " && mount --bind \"$1\" " + MOUNT_POINT + " && shift";
      cmd.addAll(List.of("sh", "-c", open + " && exec \"$@\"", "sh", workspace));
      cmd.addAll(stepUser());
      workspace = MOUNT_POINT.toString();
    } else {
      cmd.addAll(List.of("sh", "-c", open + " && exec \"$@\"", "sh"));
    }
    if (network) {
      // A user and network namespace of the step's user that slirp4netns can join (bwrap's own
      // network namespace belongs to an intermediate user namespace nobody outside can enter).
      cmd.addAll(List.of("unshare", "--user", "--net", "--map-current-user", "--"));
    }
    cmd.addAll(List.of(bwrap, "--unshare-user", "--disable-userns", "--cap-drop", "ALL"));
    cmd.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-cgroup"));
    cmd.addAll(List.of("--unshare-uts", "--hostname", "gryt"));
    if (!network) {
      cmd.add("--unshare-net");
    }
    cmd.addAll(List.of("--die-with-parent", "--new-session", "--clearenv", "--args", ARGS_FD));
    cmd.addAll(fileSystem(step));
    cmd.addAll(List.of("--bind", workspace, "/workspace", "--chdir", "/workspace", "--"));
    if (network) {
      cmd.addAll(List.of("sh", "-c", waitForNetwork(), "sh", step.command()));
    } else {
      cmd.addAll(List.of("sh", "-c", step.command()));
    }
    return cmd;
  }

  @Override
  protected Map<String, String> processEnv(StepSpec step) {
    // isolated: bwrap clears its environment and reads the step's from the argument file
    return isolation == Isolation.NONE ? step.env() : Map.of();
  }

  @Override
  protected void started(StepSpec step, Process process, LogSink sink) throws InterruptedException {
    if (isolation == Isolation.NONE || !step.networkAllowed() || !slirp) {
      return;
    }
    // The step waits for its interface; slirp4netns joins once the wrapper's unshare made the
    // namespaces (the same process: every stage of the wrapper execs the next).
    long pid = process.pid();
    Path ownNet = Path.of("/proc/self/ns/net");
    Path stepNet = Path.of("/proc/" + pid + "/ns/net");
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NETWORK_WAIT_MILLIS);
    while (true) {
      try {
        if (!Files.readSymbolicLink(stepNet).equals(Files.readSymbolicLink(ownNet))) {
          break;
        }
      } catch (IOException e) {
        return; // the step is gone already
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        return;
      }
      Thread.sleep(1);
    }
    List<String> cmd = new ArrayList<>();
    if (isolation == Isolation.STEP_USER) {
      cmd.addAll(stepUser());
    }
    cmd.addAll(
        List.of(
            "slirp4netns",
            "--userns-path=/proc/" + pid + "/ns/user",
            "--configure",
            "--mtu=65520",
            "--disable-host-loopback",
            "--enable-seccomp",
            Long.toString(pid),
            "tap0"));
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(baseEnv());
    try {
      networks.put(step.runId(), builder.start());
    } catch (IOException e) {
      sink.line(
          "[gryt] no network for this step: cannot start slirp4netns (" + e.getMessage() + ")");
    }
  }

  @Override
  protected void stop(StepSpec step, Process process) {
    destroyTree(process);
  }

  @Override
  protected void cleanUp(StepSpec step) {
    Process network = networks.remove(step.runId());
    if (network != null) {
      network.destroyForcibly();
    }
  }

  /** The system directories read-only, fresh /proc, /dev and /tmp, the agent's own data hidden. */
  private static List<String> fileSystem(StepSpec step) {
    List<String> args = new ArrayList<>();
    for (String dir : SYSTEM_DIRS) {
      Path path = Path.of(dir);
      if (Files.isSymbolicLink(path)) {
        // merged-/usr systems: /bin -> usr/bin; recreate the link rather than bind it
        try {
          args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
        } catch (IOException e) {
          // unreadable link: leave it out
        }
      } else if (Files.isDirectory(path)) {
        args.addAll(List.of("--ro-bind", dir, dir));
      }
    }
    args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
    // The agent's home and work directory, should an admin have put them under a system
    // directory, are covered: a step sees neither keys nor other runs' workspaces.
    List<Path> hidden = new ArrayList<>();
    String home = System.getenv("GRYT_HOME");
    if (home != null && !home.isBlank()) {
      hidden.add(Path.of(home).toAbsolutePath().normalize());
    }
    Path workDir = step.workspace().toAbsolutePath().normalize().getParent();
    if (workDir != null) {
      hidden.add(workDir);
    }
    for (Path path : hidden) {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && underSystemDir(path)) {
        args.addAll(List.of("--tmpfs", path.toString()));
      }
    }
    return args;
  }

  private static boolean underSystemDir(Path path) {
    return SYSTEM_DIRS.stream().anyMatch(dir -> path.startsWith(dir));
  }

  /** The step's shell waits (bounded) for slirp4netns's default route, then runs the command. */
  private static String waitForNetwork() {
    long rounds = NETWORK_WAIT_MILLIS / 10;
    return "i=0; while ! grep -q '^tap0[[:space:]]*00000000' /proc/net/route 2>/dev/null; do"
        + " i=$((i+1)); if [ $i -gt "
        + rounds
        + " ]; then echo '[gryt] no network for this step: slirp4netns did not configure it';"
        + " break; fi; sleep 0.01; done; exec sh -c \"$1\"";
  }

  private static List<String> stepUser() {
    return List.of(
        "setpriv",
        "--reuid=" + STEP_USER,
        "--regid=" + STEP_USER,
        "--clear-groups",
        "--no-new-privs",
        "--");
  }

  /**
   * Gives the workspace to {@link #STEP_USER} (the checkout was made by root), never following a
   * link: lchown on every entry not already the step user's.
   */
  private static void handOver(Path workspace) throws IOException {
    UserPrincipalLookupService users = workspace.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user = users.lookupPrincipalByName(STEP_USER);
    GroupPrincipal group = users.lookupPrincipalByGroupName(STEP_USER);
    Files.walkFileTree(
        workspace,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            own(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            own(file);
            return FileVisitResult.CONTINUE;
          }

          private void own(Path path) throws IOException {
            PosixFileAttributeView view =
                Files.getFileAttributeView(
                    path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes attributes = view.readAttributes();
            if (!attributes.owner().equals(user)) {
              view.setOwner(user);
            }
            if (!attributes.group().equals(group)) {
              view.setGroup(group);
            }
          }
        });
  }

  /** The sandbox of an agent without user namespaces: file system separation only. */
  private List<String> unisolated(StepSpec step) {
    List<String> cmd = new ArrayList<>(List.of(bwrap, "--die-with-parent", "--new-session"));
    cmd.addAll(fileSystem(step));
    cmd.addAll(List.of("--bind", step.workspace().toAbsolutePath().toString(), "/workspace"));
    cmd.addAll(List.of("--chdir", "/workspace", "--unshare-pid", "--unshare-ipc"));
    cmd.addAll(List.of("--unshare-uts", "--hostname", "gryt"));
    if (!step.networkAllowed()) {
      cmd.add("--unshare-net");
    }
    cmd.addAll(List.of("--setenv", "HOME", "/tmp"));
    cmd.addAll(List.of("--", "sh", "-c", step.command()));
    return cmd;
  }

  private static boolean root() {
    try {
      // /proc/self belongs to the process's effective user
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Whether the user slirp4netns runs as may open /dev/net/tun (bin/setup-containers). */
  private boolean tunUsable() {
    Path tun = Path.of("/dev/net/tun");
    try {
      if (isolation == Isolation.STEP_USER) {
        var permissions = Files.getPosixFilePermissions(tun);
        return permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
            && permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
      }
      return Files.isReadable(tun) && Files.isWritable(tun);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Empty when a step can get a user namespace of its own here (as {@link #STEP_USER} when the
   * agent is root); else why not.
   */
  static Optional<String> isolationProblem(String bwrap) {
    List<String> probe = new ArrayList<>();
    if (root()) {
      try {
        UserPrincipalLookupService users =
            Path.of("/").getFileSystem().getUserPrincipalLookupService();
        users.lookupPrincipalByName(STEP_USER);
      } catch (IOException e) {
        return Optional.of("no user " + STEP_USER + " to run steps as");
      }
      try {
        Files.createDirectories(MOUNT_POINT);
      } catch (IOException e) {
        return Optional.of("cannot create " + MOUNT_POINT + ": " + e.getMessage());
      }
      Optional<String> workspaces = stepWorkspacesProblem();
      if (workspaces.isPresent()) {
        return workspaces;
      }
      probe.addAll(stepUser());
    }
    probe.addAll(
        List.of(
            bwrap,
            "--unshare-user",
            "--disable-userns",
            "--cap-drop",
            "ALL",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-cgroup",
            "--unshare-uts",
            "--unshare-net",
            "--die-with-parent",
            "--clearenv"));
    probe.addAll(
        fileSystem(StepSpec.builder("probe", "probe", "true", Path.of("/nonexistent/x")).build()));
    probe.addAll(List.of("--", "true"));
    return Runners.probe(probe);
  }

  /**
   * Makes {@link #STEP_WORKSPACES} (root's, 0711) or checks the one found: a directory, not a link,
   * root's, writable by root alone. Empty when it is fit.
   */
  private static Optional<String> stepWorkspacesProblem() {
    try {
      if (!Files.exists(STEP_WORKSPACES, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(STEP_WORKSPACES.getParent());
        try {
          Files.createDirectory(STEP_WORKSPACES);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // made meanwhile: checked below
        }
      }
      PosixFileAttributes attributes =
          Files.readAttributes(
              STEP_WORKSPACES, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isDirectory()) {
        return Optional.of(STEP_WORKSPACES + " is not a directory");
      }
      if (!"root".equals(attributes.owner().getName())) {
        return Optional.of(STEP_WORKSPACES + " belongs to " + attributes.owner().getName());
      }
      if (!attributes.permissions().equals(PASS_THROUGH)) {
        Files.setPosixFilePermissions(STEP_WORKSPACES, PASS_THROUGH);
      }
      return Optional.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("cannot prepare " + STEP_WORKSPACES + ": " + e.getMessage());
    }
  }

  private static boolean works(List<String> command) {
    return Runners.probe(command).isEmpty();
  }
}
