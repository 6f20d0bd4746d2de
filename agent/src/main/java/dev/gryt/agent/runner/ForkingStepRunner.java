package dev.gryt.agent.runner;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The common part of the runners: each starts one local process per step (sh, bwrap, or the
 * container engine's client), pumps its merged output into the sink line by line, waits for it with
 * the step's timeout, and stops it on timeout or cancel. Subclasses say which command line to start
 * and how to stop what it started.
 */
abstract class ForkingStepRunner implements StepRunner {
  /** A line longer than this is cut into several, so one huge line cannot exhaust memory. */
  static final int MAX_LINE_CHARS = 16 * 1024;

  private static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** The command line that runs {@code step}. */
  protected abstract List<String> commandLine(StepSpec step);

  /** Environment for the started process, on top of a minimal base (see {@link #baseEnv}). */
  protected abstract Map<String, String> processEnv(StepSpec step);

  /**
   * Stops what {@code process} started for {@code step}: kill the container, kill the process tree.
   * Called on timeout and cancel; must not block for long.
   */
  protected abstract void stop(StepSpec step, Process process);

  /** Runs after the step ended however it ended; removes leftovers (e.g. the container). */
  protected void cleanUp(StepSpec step) {}

  /**
   * Runs before {@link #commandLine}: whatever the command line needs on disk (files it reads, the
   * workspace's owner). A failure means the step could not be started.
   */
  protected void prepare(StepSpec step) throws IOException {}

  /**
   * What the step's process reads on its standard input, written and closed right after it starts;
   * null (the default) gives it {@code /dev/null}. Whatever reads it must pass the step {@code
   * /dev/null} in its place.
   */
  protected byte[] input(StepSpec step) {
    return null;
  }

  /**
   * Runs once the step's process started, while its output already flows: what must join the
   * process from outside (its network). A failure is the step's own: say it in {@code sink}.
   */
  protected void started(StepSpec step, Process process, LogSink sink)
      throws InterruptedException {}

  @Override
  public StepResult run(StepSpec step, LogSink sink) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Running current = new Running(step);
    if (running.putIfAbsent(step.runId(), current) != null) {
      throw new IllegalStateException("run " + step.runId() + " already has a step running");
    }
    try {
      prepare(step);
    } catch (IOException | RuntimeException e) {
      running.remove(step.runId());
      cleanUp(step);
      throw e;
    }
    byte[] input = input(step);
    ProcessBuilder builder = new ProcessBuilder(commandLine(step));
    builder.redirectErrorStream(true);
    builder.redirectInput(
        input == null
            ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
            : ProcessBuilder.Redirect.PIPE);
    builder.directory(step.workspace().toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(baseEnv());
    env.putAll(processEnv(step));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      running.remove(step.runId());
      cleanUp(step);
      throw e;
    }
    Thread pump = new Thread(() -> pump(process, sink), "gryt-log-" + step.runId());
    pump.setDaemon(true);
    pump.start();
    if (input != null) {
      try (java.io.OutputStream in = process.getOutputStream()) {
        in.write(input);
      } catch (IOException e) {
        // The process is gone before it read its input: its exit says why.
      }
    }
    try {
      current.process.set(process);
      if (current.cancelled) {
        stop(step, process);
      }
      started(step, process, sink);
      boolean exited = waitFor(process, step.timeout());
      StepResult.Outcome outcome = StepResult.Outcome.EXITED;
      if (!exited) {
        outcome = StepResult.Outcome.TIMED_OUT;
        sink.line("[gryt] step timed out after " + human(step.timeout()) + "; stopping it");
        stop(step, process);
      }
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        destroyTree(process);
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (current.cancelled) {
        outcome = StepResult.Outcome.CANCELLED;
      }
      // The reader ends when every holder of the pipe is gone; grandchildren that escaped the kill
      // could keep it open, so do not wait on them forever.
      pump.join(STOP_GRACE.toMillis());
      int exitCode =
          outcome == StepResult.Outcome.EXITED && !process.isAlive() ? process.exitValue() : -1;
      return new StepResult(exitCode, outcome, Duration.ofNanos(System.nanoTime() - started));
    } catch (InterruptedException e) {
      stop(step, process);
      destroyTree(process);
      throw e;
    } finally {
      running.remove(step.runId(), current);
      cleanUp(step);
    }
  }

  /** Waits for the process; returns false at the timeout, or early when the run is cancelled. */
  private static boolean waitFor(Process process, Duration timeout) throws InterruptedException {
    if (timeout == null) {
      process.waitFor();
      return true;
    }
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean cancel(String runId) {
    Running current = running.get(runId);
    if (current == null) {
      return false;
    }
    current.cancelled = true;
    Process process = current.process.get();
    if (process != null) {
      stop(current.step, process);
    }
    return true;
  }

  /** Kills the process and everything it started, children first. */
  static void destroyTree(Process process) {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** PATH, HOME and the like: a step must not inherit the agent's own environment (tokens...). */
  static Map<String, String> baseEnv() {
    return Map.of(
        "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME", System.getProperty("java.io.tmpdir"),
        "LANG", "C.UTF-8",
        "CI", "true");
  }

  private static void pump(Process process, LogSink sink) {
    try (Reader reader = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      char[] buffer = new char[8192];
      int n;
      while ((n = reader.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buffer[i];
          if (c == '\n') {
            emit(sink, line);
          } else if (c != '\r') {
            line.append(c);
            if (line.length() >= MAX_LINE_CHARS) {
              emit(sink, line);
            }
          }
        }
      }
      if (!line.isEmpty()) {
        emit(sink, line);
      }
    } catch (IOException e) {
      // the process was killed and its pipe closed under us: its output ends here
    }
  }

  private static void emit(LogSink sink, StringBuilder line) {
    String text = line.toString();
    line.setLength(0);
    try {
      sink.line(text);
    } catch (RuntimeException e) {
      // a failing sink must not stop the pump, or the step would block on a full pipe
    }
  }

  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds > 0 ? seconds + "s" : duration.toMillis() + "ms";
  }

  /** A name a container engine accepts: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
  static String safeName(String raw) {
    String cleaned = raw.replaceAll("[^a-zA-Z0-9_.-]", "-");
    return cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0))
        ? "x" + cleaned
        : cleaned;
  }

  private static final class Running {
    final StepSpec step;
    final AtomicReference<Process> process = new AtomicReference<>();
    volatile boolean cancelled;

    Running(StepSpec step) {
      this.step = step;
    }
  }
}
