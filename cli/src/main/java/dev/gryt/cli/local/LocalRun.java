package dev.gryt.cli.local;

import dev.gryt.agent.runner.CappedLogSink;
import dev.gryt.agent.runner.LogSink;
import dev.gryt.agent.runner.Resources;
import dev.gryt.agent.runner.StepResult;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.runner.StepSpec;
import dev.gryt.cli.CliException;
import dev.gryt.crds.PipelineSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a pipeline's steps here with one of the agent's {@link StepRunner}s, printing their output
 * as it comes and recording the run and every step (status, exit code, duration, output) in {@code
 * gryt.db}. In order, stopping at the first failure; or all at once with {@code parallel}.
 */
public final class LocalRun {
  /** How one step ended, as recorded. */
  public record StepOutcome(String name, String status, int exitCode, long durationMs) {}

  /**
   * How the run ended.
   *
   * @param reason why a run failed that no step explains (a cloud run that could not start, was
   *     cancelled or timed out), else null
   */
  public record Outcome(String runId, String status, List<StepOutcome> steps, String reason) {
    public boolean passed() {
      return "pass".equals(status);
    }
  }

  private final LocalDatabase db;
  private final StepRunner runner;
  private final Path workspace;
  private final PrintWriter out;
  private final Clock clock;

  public LocalRun(
      LocalDatabase db, StepRunner runner, Path workspace, PrintWriter out, Clock clock) {
    this.db = db;
    this.runner = runner;
    this.workspace = workspace;
    this.out = out;
    this.clock = clock;
  }

  /**
   * A run in {@code session}'s project with the runner named (null: {@code runner} from the config,
   * else process).
   */
  public static LocalRun in(LocalSession session, String runnerName) {
    String name = runnerName != null ? runnerName : session.config().get(LocalConfig.Key.RUNNER);
    if (!java.util.List.of("process", "container", "sandbox").contains(name)) {
      throw new CliException(
          "unknown runner '" + name + "' (allowed: process, container, sandbox)");
    }
    StepRunner runner;
    try {
      runner =
          dev.gryt.agent.runner.Runners.detect(dev.gryt.agent.runner.RunnerKind.parse(name), null);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    return new LocalRun(
        session.db(),
        runner,
        session.project().root(),
        session.out(),
        session.environment().clock());
  }

  public Outcome run(LocalPipelines.Found found, boolean parallel, boolean show) {
    PipelineSpec spec = found.pipeline().getSpec();
    List<PipelineSpec.Step> steps = spec.steps == null ? List.of() : spec.steps;
    String runId = newRunId();
    Instant started = clock.instant();
    db.update(
        "INSERT INTO runs (id, pipeline, source, runner, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)",
        runId,
        found.name(),
        found.file().toString(),
        runner.name(),
        started.toString());
    println(
        "run "
            + runId
            + ": pipeline "
            + found.name()
            + ", "
            + steps.size()
            + " step(s), runner "
            + runner.name()
            + (parallel ? ", in parallel" : ""));
    List<StepOutcome> outcomes = new ArrayList<>();
    if (parallel) {
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, steps.size()));
      try {
        List<Future<StepOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
          int position = i;
          futures.add(
              pool.submit(() -> runStep(runId, position, spec, steps.get(position), true, show)));
        }
        for (Future<StepOutcome> f : futures) {
          outcomes.add(f.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new CliException(e.getCause().getMessage(), e.getCause());
      } finally {
        pool.shutdownNow();
      }
    } else {
      for (int i = 0; i < steps.size(); i++) {
        StepOutcome outcome = runStep(runId, i, spec, steps.get(i), false, show);
        outcomes.add(outcome);
        if (!"pass".equals(outcome.status())) {
          for (int j = i + 1; j < steps.size(); j++) {
            record(runId, j, steps.get(j), "skipped", null, 0, "");
            outcomes.add(new StepOutcome(steps.get(j).name, "skipped", -1, 0));
          }
          break;
        }
      }
    }
    boolean passed = outcomes.stream().allMatch(o -> "pass".equals(o.status()));
    String status = passed ? "pass" : "fail";
    Instant finished = clock.instant();
    db.update(
        "UPDATE runs SET status = ?, finished_at = ?, duration_ms = ? WHERE id = ?",
        status,
        finished.toString(),
        Duration.between(started, finished).toMillis(),
        runId);
    if (show) {
      printTable(outcomes, this::println);
    }
    println("run " + runId + " " + (passed ? "passed" : "failed"));
    return new Outcome(runId, status, outcomes, null);
  }

  /** The step table of {@code --show}. */
  static void printTable(List<StepOutcome> outcomes, java.util.function.Consumer<String> println) {
    println.accept(String.format("%-24s %-8s %5s %10s", "STEP", "STATUS", "EXIT", "DURATION"));
    for (StepOutcome o : outcomes) {
      println.accept(
          String.format(
              "%-24s %-8s %5s %9.1fs",
              o.name(),
              o.status(),
              o.exitCode() < 0 ? "-" : o.exitCode(),
              o.durationMs() / 1000.0));
    }
  }

  private StepOutcome runStep(
      String runId,
      int position,
      PipelineSpec spec,
      PipelineSpec.Step step,
      boolean parallel,
      boolean show) {
    String prefix = parallel ? "[" + step.name + "] " : "  ";
    println("==> " + step.name + (show ? ": $ " + step.command : ""));
    StringBuilder output = new StringBuilder();
    LogSink sink =
        new CappedLogSink(
            line -> {
              synchronized (output) {
                output.append(line).append('\n');
              }
              println(prefix + line);
            },
            CappedLogSink.DEFAULT_MAX_BYTES);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    if (System.getenv("HOME") != null) {
      env.put("HOME", System.getenv("HOME"));
    }
    env.put("GRYT", "local");
    if (spec.env != null) {
      env.putAll(spec.env);
    }
    if (step.env != null) {
      env.putAll(step.env);
    }
    Integer timeout = step.timeoutSeconds != null ? step.timeoutSeconds : spec.timeoutSeconds;
    StepSpec stepSpec =
        StepSpec.builder(runId + "-" + position, step.name, step.command, workspace)
            .image(step.image != null ? step.image : spec.image)
            .env(env)
            .timeout(timeout == null ? null : Duration.ofSeconds(timeout))
            .resources(
                spec.resources == null
                    ? Resources.unlimited()
                    : Resources.of(spec.resources.cpu, spec.resources.memory))
            .networkAllowed(true)
            .build();
    StepResult result;
    try {
      result = runner.run(stepSpec, sink);
    } catch (IOException e) {
      String message = "step " + step.name + " could not start: " + e.getMessage();
      println(prefix + message);
      record(runId, position, step, "error", null, 0, message);
      return new StepOutcome(step.name, "error", -1, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while running step " + step.name, e);
    }
    String status =
        result.succeeded()
            ? "pass"
            : result.timedOut() ? "timeout" : result.cancelled() ? "cancelled" : "fail";
    long ms = result.duration().toMillis();
    String text;
    synchronized (output) {
      text = output.toString();
    }
    record(runId, position, step, status, result.exitCode(), ms, text);
    println(
        "<== "
            + step.name
            + ": "
            + status
            + " (exit "
            + result.exitCode()
            + ", "
            + String.format("%.1fs", ms / 1000.0)
            + ")");
    return new StepOutcome(step.name, status, result.exitCode(), ms);
  }

  private void record(
      String runId,
      int position,
      PipelineSpec.Step step,
      String status,
      Integer exit,
      long ms,
      String output) {
    synchronized (db) {
      db.update(
          "INSERT INTO run_steps (run_id, position, name, command, status, exit_code, duration_ms, output)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          runId,
          position,
          step.name,
          step.command,
          status,
          exit,
          ms,
          output);
    }
  }

  private static String newRunId() {
    StringBuilder id = new StringBuilder("run-");
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 8; i++) {
      id.append(Character.forDigit(random.nextInt(36), 36));
    }
    return id.toString();
  }

  private void println(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
