package dev.gryt.agent.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a step in a bubblewrap sandbox: the host's system directories read-only, a private {@code
 * /tmp}, fresh {@code /proc} and {@code /dev}, only the workspace writable (at {@code /workspace}),
 * no network unless the step allows it, and everything dies with the agent. No CPU/memory limits:
 * bwrap has none (that is the container runner's job).
 */
public final class SandboxRunner extends ForkingStepRunner {
  private static final List<String> SYSTEM_DIRS =
      List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

  private final String bwrap;

  public SandboxRunner() {
    this("bwrap");
  }

  public SandboxRunner(String bwrap) {
    this.bwrap = bwrap;
  }

  @Override
  public String name() {
    return "sandbox:bwrap";
  }

  @Override
  protected List<String> commandLine(StepSpec step) {
    List<String> cmd = new ArrayList<>(List.of(bwrap, "--die-with-parent", "--new-session"));
    for (String dir : SYSTEM_DIRS) {
      Path path = Path.of(dir);
      if (Files.isSymbolicLink(path)) {
        // merged-/usr systems: /bin -> usr/bin; recreate the link rather than bind it
        try {
          cmd.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
        } catch (java.io.IOException e) {
          // unreadable link: leave it out
        }
      } else if (Files.isDirectory(path)) {
        cmd.addAll(List.of("--ro-bind", dir, dir));
      }
    }
    cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
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

  @Override
  protected Map<String, String> processEnv(StepSpec step) {
    // bwrap passes its own environment on to the step
    return step.env();
  }

  @Override
  protected void stop(StepSpec step, Process process) {
    destroyTree(process);
  }
}
