package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gryt run NAME|FILE}: runs a pipeline here, or on the server's agents when execution_mode
 * is cloud ({@link CloudRun}), prints its output as it comes, records the run in {@code gryt.db},
 * and exits 1 when a step fails.
 */
@Command(
    name = "run",
    description =
        "Run a pipeline (a name in .gryt/pipelines/ or a file) and record it in gryt.db: here, or"
            + " on the server's agents when execution_mode is cloud.")
public final class RunCommand implements Callable<Integer> {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME|FILE")
  String pipeline;

  @Option(names = "--parallel", description = "Run all steps at once instead of in order.")
  boolean parallel;

  @Option(
      names = "--show",
      description = "Echo each step's command and print a step table at the end.")
  boolean show;

  @Option(
      names = "--runner",
      paramLabel = "process|container|sandbox",
      description = "What runs the steps (default: runner in config.json, else process).")
  String runner;

  @Option(names = "--local", description = "Run here even when execution_mode is cloud.")
  boolean local;

  /**
   * {@code step test failed (exit 2)}, for the one-line error of a failed run; else why the run
   * failed without a failing step.
   */
  static String failedSteps(LocalRun.Outcome outcome) {
    String steps = stepFailures(outcome);
    return steps.isEmpty() && outcome.reason() != null ? outcome.reason() : steps;
  }

  /**
   * Runs {@code found} where the execution mode says: on the server's agents in cloud mode unless
   * {@code here}, else here with {@code runner}.
   */
  static LocalRun.Outcome execute(
      LocalSession session,
      LocalPipelines.Found found,
      String runner,
      boolean parallel,
      boolean show,
      boolean here) {
    if (session.config().executionMode() != ExecutionMode.CLOUD || here) {
      return LocalRun.in(session, runner).run(found, parallel, show);
    }
    if (runner != null) {
      throw new CliException(
          "--runner chooses how steps run here, and execution_mode is cloud (the server's agents"
              + " run them): drop --runner, or run here with --local");
    }
    if (parallel) {
      throw new CliException(
          "--parallel runs steps at once here, and execution_mode is cloud (the server's agents"
              + " run steps in order): drop --parallel, or run here with --local");
    }
    return CloudRun.in(session).run(found, show);
  }

  private static String stepFailures(LocalRun.Outcome outcome) {
    return outcome.steps().stream()
        .filter(s -> !"pass".equals(s.status()) && !"skipped".equals(s.status()))
        .map(
            s ->
                "step "
                    + s.name()
                    + " "
                    + (s.status().equals("fail") ? "failed" : s.status())
                    + (s.exitCode() >= 0 ? " (exit " + s.exitCode() + ")" : ""))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  RunCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    try (LocalSession session =
        LocalSession.open(environment, spec.commandLine().getOut(), spec.commandLine().getErr())) {
      LocalPipelines.Found found =
          LocalPipelines.resolve(session.project(), environment.workingDirectory(), pipeline);
      LocalRun.Outcome outcome = execute(session, found, runner, parallel, show, local);
      if (!outcome.passed()) {
        spec.commandLine()
            .getErr()
            .println(
                "error: " + failedSteps(outcome) + " (run " + outcome.runId() + "; output above)");
        return 1;
      }
      return 0;
    }
  }
}
