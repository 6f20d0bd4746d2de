package dev.gryt.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/** Runs {@code gryt} in-process with its own environment and captured stdout/stderr. */
public final class CliRun {
  public static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private final Map<String, String> variables = new HashMap<>();
  private final Path home;
  private final Path workingDirectory;
  private String stdin = "";
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  /**
   * @param home used as the user's home and the working directory
   */
  public CliRun(Path home) {
    this.home = home;
    this.workingDirectory = home;
  }

  public CliRun env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  /**
   * The clock of the commands, {@link #NOW} frozen unless set: ages print alike on every run. A
   * command that signs requests to a real server needs a real clock: the server refuses a stamp far
   * from its own time, and a frozen clock would sign two alike requests alike (a replay).
   */
  public CliRun clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public CliRun stdin(String text) {
    this.stdin = text;
    return this;
  }

  public CliEnvironment environment() {
    return new CliEnvironment(
        Map.copyOf(variables),
        home,
        workingDirectory,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        clock);
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        Main.newCommandLine(environment())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /**
   * Starts {@code gryt} on its own thread, for commands that run until stopped, such as {@code get
   * --watch}; what it prints can be read while it runs.
   */
  public Background start(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        Main.newCommandLine(environment())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    AtomicInteger exitCode = new AtomicInteger(-1);
    Thread thread = new Thread(() -> exitCode.set(commandLine.execute(args)), "gryt " + args[0]);
    thread.setDaemon(true);
    thread.start();
    return new Background(thread, exitCode, out, err);
  }

  /** A {@code gryt} started by {@link #start}; StringWriter is synchronized, so reads are safe. */
  public record Background(
      Thread thread, AtomicInteger exitCode, StringWriter out, StringWriter err)
      implements AutoCloseable {
    public List<String> outLines() {
      return out.toString().lines().toList();
    }

    /** Interrupts the command, as Ctrl-C would end it, and returns how it ended. */
    public Result stop() throws InterruptedException {
      thread.interrupt();
      thread.join(Duration.ofSeconds(10).toMillis());
      if (thread.isAlive()) {
        throw new AssertionError("gryt did not stop when interrupted");
      }
      return new Result(exitCode.get(), out.toString(), err.toString());
    }

    @Override
    public void close() throws InterruptedException {
      if (thread.isAlive()) {
        stop();
      }
    }
  }

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {
    public List<String> outLines() {
      return out.lines().toList();
    }

    public List<String> errLines() {
      return err.lines().toList();
    }
  }
}
