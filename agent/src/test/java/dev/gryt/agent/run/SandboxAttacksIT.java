package dev.gryt.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.agent.runner.SandboxRunner;
import dev.gryt.agent.runner.StepResult;
import dev.gryt.agent.runner.StepSpec;
import dev.gryt.agent.testing.ReportReceiver;
import dev.gryt.agent.testing.TestRepos;
import dev.gryt.crds.agent.RunAssignment;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, attacks 1, 10 and 14, played by a hostile step against the real bubblewrap runner on
 * this machine (as the agent runs it: root here, so steps run as gryt-step). Every one of them
 * worked with the sandbox of before: a step had the agent's capabilities, read a file it was never
 * shown through open_by_handle_at, mounted devtmpfs, reached the host's loopback, and the cleanup
 * of its workspace changed the mode of a host file it linked to.
 */
class SandboxAttacksIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private final SandboxRunner runner = new SandboxRunner();

  @BeforeAll
  static void theSandboxIsolatesHere() {
    assertThat(new SandboxRunner().whyNotIsolated())
        .as("user namespaces must work here; run bin/setup-containers")
        .isEmpty();
  }

  @Test
  void theRunnerSaysItIsolates() {
    assertThat(runner.isolates()).isTrue();
  }

  @Test
  void aStepHasNoCapabilityAndNoNewPrivileges() throws Exception {
    List<String> lines =
        run(step("grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs):' /proc/self/status"));
    assertThat(lines)
        .containsExactly(
            "CapPrm:\t0000000000000000",
            "CapEff:\t0000000000000000",
            "CapBnd:\t0000000000000000",
            "NoNewPrivs:\t1");
  }

  @Test
  void aStepRunsAsAnUnprivilegedHostUser() throws Exception {
    Files.writeString(workspace().resolve("owned.txt"), "x");
    run(step("touch made-by-step"));
    // the host sees what the step made as gryt-step's (or the agent's own user's when not root)
    String owner = Files.getOwner(workspace().resolve("made-by-step")).getName();
    assertThat(owner).isIn(SandboxRunner.STEP_USER, System.getProperty("user.name"));
    assertThat(owner).isNotEqualTo("root");
  }

  @Test
  void aStepCannotMountDevtmpfsNorMakeAUserNamespace() throws Exception {
    List<String> lines =
        run(
            step(
                "mkdir /tmp/d; mount -t devtmpfs none /tmp/d 2>/dev/null && echo MOUNTED ||"
                    + " echo mount-refused; unshare -U true 2>/dev/null && echo USERNS ||"
                    + " echo userns-refused; chmod 777 /etc/hostname 2>/dev/null && echo CHMOD ||"
                    + " echo chmod-refused"));
    assertThat(lines).containsExactly("mount-refused", "userns-refused", "chmod-refused");
  }

  /** The attack of the issue: a file handle on the host file system's root, then openat. */
  @Test
  void aStepCannotOpenHostFilesByHandle() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("gryt-home"));
    Path masterKey = Files.createDirectories(home.resolve("server")).resolve("master.key");
    Files.writeString(masterKey, "CANARY-MASTER-KEY");
    Path adminKey = Files.createDirectories(home.resolve("servers")).resolve("127.0.0.1-1.json");
    Files.writeString(adminKey, "{\"api_key_secret\":\"CANARY-ADMIN\"}");
    Files.writeString(workspace().resolve("attack.py"), HANDLE_ATTACK);
    List<String> lines =
        run(
            step(
                "python3 attack.py "
                    + masterKey.toAbsolutePath()
                    + "; python3 attack.py "
                    + adminKey.toAbsolutePath()
                    + "; cat "
                    + masterKey.toAbsolutePath()
                    + " 2>/dev/null || echo path-not-there"));
    assertThat(String.join("\n", lines)).doesNotContain("CANARY");
    assertThat(lines).contains("path-not-there");
    assertThat(lines).filteredOn(l -> l.startsWith("handle-refused")).hasSize(2);
  }

  @Test
  void aStepSeesNoHostProcessNorTheHostsRootOrOtherWorkspaces() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other-run"));
    Files.writeString(other.resolve("secret.txt"), "CANARY-OTHER-RUN");
    List<String> lines =
        run(
            step(
                "ls /proc | grep -c '^[0-9]'; tr '\\0' '\\n' < /proc/1/environ | grep -c"
                    + " -E '^(JAVA_HOME|GRYT_|MAVEN)' ; ls /root 2>/dev/null || echo no-root; cat "
                    + other.resolve("secret.txt").toAbsolutePath()
                    + " 2>/dev/null || echo no-other-run; ls /run 2>/dev/null || echo no-run"));
    assertThat(Integer.parseInt(lines.get(0))).as("processes in the step's /proc").isLessThan(6);
    assertThat(lines.subList(1, lines.size()))
        .containsExactly("0", "no-root", "no-other-run", "no-run");
  }

  /**
   * A root agent's workspaces share one directory that the step user may pass through: a step there
   * must see neither that directory nor another run's workspace in it, and its own workspace is
   * closed to everyone else.
   */
  @Test
  void aStepInTheSharedWorkspaceRootSeesNeitherTheRootNorAnotherRunsWorkspace() throws Exception {
    Path root = runner.workspaceRoot(tmp);
    assertThat(root).isEqualTo(SandboxRunner.STEP_WORKSPACES);
    Path mine = Files.createDirectories(root.resolve("attack-" + UUID.randomUUID()));
    Path other = Files.createDirectories(root.resolve("other-" + UUID.randomUUID()));
    try {
      Files.writeString(other.resolve("secret.txt"), "CANARY-OTHER-RUN");
      StepSpec spec =
          StepSpec.builder(
                  "run-" + UUID.randomUUID().toString().substring(0, 8),
                  "attack",
                  "ls "
                      + root
                      + " 2>/dev/null || echo no-root; cat "
                      + other.resolve("secret.txt")
                      + " 2>/dev/null || echo no-other-run; pwd; echo mine > made-by-step",
                  mine)
              .build();
      assertThat(run(spec)).containsExactly("no-root", "no-other-run", "/workspace");
      assertThat(Files.getOwner(mine.resolve("made-by-step")).getName())
          .isEqualTo(SandboxRunner.STEP_USER);
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(mine)))
          .isEqualTo("rwx------");
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(root)))
          .isEqualTo("rwx--x--x");
    } finally {
      Workspaces.delete(mine);
      Workspaces.delete(other);
    }
  }

  @Test
  void theStepsEnvironmentIsOnNoCommandLine() throws Exception {
    String secret = "CANARY-" + UUID.randomUUID();
    StepSpec spec = spec("echo started; sleep 30").env("TOKEN", secret).build();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<StepResult> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return runner.run(spec, lines::add);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (lines.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(lines).containsExactly("started");
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      List<String> withSecret =
          procs
              .filter(p -> p.getFileName().toString().matches("\\d+"))
              .filter(p -> cmdline(p).contains(secret))
              .map(p -> p.getFileName() + ": " + cmdline(p))
              .toList();
      assertThat(withSecret).isEmpty();
    } finally {
      runner.cancel(spec.runId());
      result.get(20, TimeUnit.SECONDS);
    }
  }

  /** Attack 14: with the network allowed, the host's loopback (PostgreSQL, the API) is refused. */
  @Test
  void aStepAllowedTheNetworkCannotReachTheHostsLoopback() throws Exception {
    try (ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket everywhere = new ServerSocket()) {
      everywhere.bind(new InetSocketAddress(0));
      acceptForever(loopback);
      acceptForever(everywhere);
      Optional<String> hostAddress = nonLoopbackAddress();
      String probe =
          "timeout 5 bash -c 'echo > /dev/tcp/127.0.0.1/%d' 2>/dev/null && echo LOOPBACK-REACHED"
              + " || echo loopback-refused; timeout 5 bash -c 'echo > /dev/tcp/10.0.2.2/%d'"
              + " 2>/dev/null && echo GATEWAY-REACHED || echo gateway-refused;"
              + " grep -c -E '^ *(eth|ens|enp|wl)' /proc/net/dev || true";
      String command =
          String.format(probe, loopback.getLocalPort(), loopback.getLocalPort())
              + hostAddress
                  .map(
                      a ->
                          "; timeout 10 bash -c 'echo > /dev/tcp/"
                              + a
                              + "/"
                              + everywhere.getLocalPort()
                              + "' && echo host-address-reached || echo HOST-ADDRESS-REFUSED")
                  .orElse("");
      List<String> lines = run(spec(command).networkAllowed(true).build());
      assertThat(lines.subList(0, 3))
          .as("loopback refused, the host's interfaces not in the step's namespace")
          .containsExactly("loopback-refused", "gateway-refused", "0");
      // outbound does work (here only the host's own non-loopback address can show it)
      hostAddress.ifPresent(a -> assertThat(lines).contains("host-address-reached"));
    }
  }

  @Test
  void aStepWithoutNetworkHasNoInterfaceButLoopback() throws Exception {
    List<String> lines = run(step("tail -n +3 /proc/net/dev | grep -cv ' lo:' || true"));
    assertThat(lines).containsExactly("0");
  }

  /** Attack 10: a link in the workspace to a host file; cleanup must leave that file alone. */
  @Test
  void workspaceCleanupNeverFollowsALinkTheStepLeft() throws Exception {
    Path canary = Files.writeString(tmp.resolve("host-file"), "host");
    Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("r--r-----"));
    Path canaryDir = Files.createDirectories(tmp.resolve("host-dir"));
    Files.setPosixFilePermissions(canaryDir, PosixFilePermissions.fromString("r-x------"));
    Path workDir = Files.createDirectories(tmp.resolve("work"));
    Git origin = TestRepos.create(tmp.resolve("origin"));
    try (ReportReceiver receiver = new ReportReceiver();
        RunExecutor executor =
            new RunExecutor(
                runner,
                ReportClient.plain(),
                workDir,
                1,
                Clock.systemUTC(),
                RunExecutor.Options.defaults().withHeartbeat(Duration.ofSeconds(1)))) {
      RunAssignment run =
          new RunAssignment(
              "run-" + UUID.randomUUID().toString().substring(0, 8),
              "default",
              1,
              receiver.url(),
              "report-token-1",
              new RunAssignment.Repo(TestRepos.url(origin), "main", null, null),
              new RunAssignment.Pipeline(
                  null,
                  Map.of(),
                  null,
                  null,
                  List.of(
                      new RunAssignment.Step(
                          "plant",
                          "ln -s "
                              + canary.toAbsolutePath()
                              + " link && ln -s "
                              + canaryDir.toAbsolutePath()
                              + " dirlink && mkdir locked && ln -s "
                              + canary.toAbsolutePath()
                              + " locked/link && chmod 0 locked && echo planted",
                          null,
                          null,
                          null,
                          null))),
              List.of());
      assertThat(executor.submit(run)).isEqualTo(RunExecutor.Admission.ACCEPTED);
      JsonNode last = receiver.awaitFinal(WAIT);
      assertThat(last.path("phase").asText()).isEqualTo("Succeeded");
      assertThat(receiver.log("plant")).isEqualTo("planted\n");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!isEmpty(workDir) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(isEmpty(workDir)).as("workspace removed").isTrue();
    } finally {
      origin.close();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(canary)))
        .isEqualTo("r--r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(canaryDir)))
        .isEqualTo("r-x------");
    assertThat(Files.readString(canary)).isEqualTo("host");
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private Path workspace() throws IOException {
    return Files.createDirectories(tmp.resolve("ws"));
  }

  private StepSpec.Builder spec(String command) throws IOException {
    return StepSpec.builder(
        "run-" + UUID.randomUUID().toString().substring(0, 8), "attack", command, workspace());
  }

  private StepSpec step(String command) throws IOException {
    return spec(command).timeout(Duration.ofSeconds(60)).build();
  }

  private List<String> run(StepSpec spec) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result = runner.run(spec, lines::add);
    assertThat(result.outcome()).as("output: %s", lines).isEqualTo(StepResult.Outcome.EXITED);
    return lines;
  }

  private static String cmdline(Path proc) {
    try {
      return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void acceptForever(ServerSocket server) {
    Thread thread =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                  // closed
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
  }

  private static Optional<String> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return Optional.of(address.getHostAddress());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * open_by_handle_at on inode 2 (the root of an ext4 file system) of the workspace's file system,
   * then a path relative to it: reads any file there, whatever the mounts show, given
   * CAP_DAC_READ_SEARCH on the host.
   */
  private static final String HANDLE_ATTACK =
      String.join(
          "\n",
          "import ctypes, os, sys, struct",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "class FH(ctypes.Structure):",
          "    _fields_ = [('handle_bytes', ctypes.c_uint), ('handle_type', ctypes.c_int),"
              + " ('f_handle', ctypes.c_char * 8)]",
          "fh = FH(8, 1, struct.pack('<II', 2, 0))",
          "mfd = os.open('/workspace', os.O_RDONLY)",
          "fd = libc.open_by_handle_at(mfd, ctypes.byref(fh), os.O_RDONLY | os.O_DIRECTORY)",
          "if fd < 0:",
          "    print('handle-refused: ' + os.strerror(ctypes.get_errno()))",
          "    sys.exit(0)",
          "parts = sys.argv[1].strip('/').split('/')",
          "for i in range(len(parts)):",
          "    try:",
          "        f = os.open('/'.join(parts[i:]), os.O_RDONLY, dir_fd=fd)",
          "        print('READ ' + os.read(f, 100).decode().strip())",
          "        break",
          "    except OSError:",
          "        pass",
          "else:",
          "    print('handle-open-but-not-found')",
          "");
}
