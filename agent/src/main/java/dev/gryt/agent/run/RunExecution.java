package dev.gryt.agent.run;

import dev.gryt.agent.runner.CappedLogSink;
import dev.gryt.agent.runner.LogSink;
import dev.gryt.agent.runner.MaskingLogSink;
import dev.gryt.agent.runner.Resources;
import dev.gryt.agent.runner.StepResult;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.runner.StepSpec;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.StepState;
import dev.gryt.crds.agent.Quantities;
import dev.gryt.crds.agent.RunAssignment;
import dev.gryt.crds.agent.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run on this agent, start to end: check the repository out (if any) into a fresh workspace,
 * run each step in order (with its timeout and retries) until one fails, report as it goes, and
 * remove the workspace whatever happened. Cancel and a refused report stop it from another thread.
 */
final class RunExecution implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);
  static final String CHECKOUT = "checkout";

  private final RunAssignment assignment;
  private final StepRunner runner;
  private final Path workspace;
  private final Clock clock;
  private final RunExecutor.Options options;
  private final RunReporter reporter;
  private final MaskingLogSink masking;
  private final Runnable onDone;

  private final Object lock = new Object();
  private final List<StepStatus> steps = new ArrayList<>();
  private JobRunPhase phase = JobRunPhase.RUNNING;
  private String commit;
  private String message;
  private volatile boolean cancelled;
  private volatile boolean refused;
  private volatile boolean stepInFlight;
  private Workspaces.Held held;

  RunExecution(
      RunAssignment assignment,
      StepRunner runner,
      ReportClient client,
      Path workspace,
      Clock clock,
      RunExecutor.Options options,
      Runnable onDone) {
    this.assignment = assignment;
    this.runner = runner;
    this.workspace = workspace;
    this.clock = clock;
    this.options = options;
    this.onDone = onDone;
    this.masking = new MaskingLogSink(line -> {}, assignment.allSecrets());
    for (RunAssignment.Step step : assignment.pipeline().steps()) {
      steps.add(new StepStatus(step.name()));
    }
    this.reporter =
        new RunReporter(
            client,
            assignment.reportUrl(),
            assignment.reportToken(),
            this::snapshot,
            this::refusedByServer,
            options.heartbeat(),
            options.batch());
  }

  String runId() {
    return assignment.runId();
  }

  int attempt() {
    return assignment.attempt();
  }

  /**
   * What the runner knows this run by: run id and attempt, so a newer attempt's steps never clash
   * with the leftovers of an older one (same container names) while those are being stopped.
   */
  private String runnerKey() {
    return runId() + "-" + attempt();
  }

  /** Stops the run; it ends {@code Cancelled} and says so in its final report. */
  void cancel() {
    cancelled = true;
    stopStep();
  }

  /** The server refused a report: stop at once, report nothing more. */
  private void refusedByServer() {
    refused = true;
    stopStep();
  }

  /**
   * Stops the step in flight. A step being started may not be known to the runner yet: keep asking
   * for a moment, until the runner has it or it is over.
   */
  private void stopStep() {
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (!runner.cancel(runnerKey()) && stepInFlight && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops the run without a final report (a newer attempt of it replaces it here). */
  void abandon() {
    refused = true;
    reporter.abandon();
    stopStep();
  }

  @Override
  public void run() {
    try {
      execute();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(JobRunPhase.CANCELLED, "the agent is shutting down");
    } catch (RuntimeException e) {
      LOG.error("run {} failed unexpectedly", runId(), e);
      finish(JobRunPhase.FAILED, "agent error: " + masking.mask(String.valueOf(e.getMessage())));
    } finally {
      if (held != null) {
        held.close();
      }
      try {
        if (!refused) {
          reporter.finish();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      onDone.run();
    }
  }

  private void execute() throws InterruptedException {
    reporter.start(runId());
    Instant deadline =
        assignment.pipeline().timeoutSeconds() == null
            ? null
            : clock.instant().plusSeconds(assignment.pipeline().timeoutSeconds());
    try {
      held = Workspaces.hold(workspace);
      // A run without a repository (a local project's pipeline sent by gryt run in cloud mode)
      // starts in the empty workspace.
      if (assignment.repo() != null) {
        String sha =
            GitCheckout.checkout(
                assignment.repo(), workspace, () -> cancelled || refused, assignment.fromAdmin());
        synchronized (lock) {
          commit = sha;
        }
        reporter.changed();
      }
    } catch (GitCheckout.CheckoutException | IOException e) {
      if (cancelled || refused) {
        finish(JobRunPhase.CANCELLED, "cancelled");
      } else {
        finish(JobRunPhase.FAILED, masking.mask(e.getMessage()));
      }
      return;
    }
    List<RunAssignment.Step> pipelineSteps = assignment.pipeline().steps();
    for (int i = 0; i < pipelineSteps.size(); i++) {
      if (cancelled || refused) {
        finish(JobRunPhase.CANCELLED, "cancelled");
        return;
      }
      RunAssignment.Step step = pipelineSteps.get(i);
      StepStatus status = steps.get(i);
      Outcome outcome = runStep(step, status, deadline);
      if (outcome != null) {
        finish(outcome.phase, outcome.message);
        return;
      }
    }
    finish(JobRunPhase.SUCCEEDED, null);
  }

  private record Outcome(JobRunPhase phase, String message) {}

  /** The server's cap on a step's log when its assignment names one, else this agent's. */
  private long logCapBytes() {
    Long fromServer = assignment.maxStepLogBytes();
    return fromServer != null ? fromServer : options.logCapBytes();
  }

  /** Runs one step with its retries; null when it succeeded, else how the run ends. */
  private Outcome runStep(RunAssignment.Step step, StepStatus status, Instant deadline)
      throws InterruptedException {
    update(status, StepState.RUNNING, null, clock.instant(), null);
    int tries = 1 + (step.retries() == null ? 0 : step.retries());
    LogSink sink =
        MaskingLogSink.wrap(
            new CappedLogSink(line -> reporter.log(step.name(), line), logCapBytes()),
            assignment.allSecrets());
    StepResult result = null;
    boolean runDeadlineHit = false;
    for (int attempt = 1; attempt <= tries; attempt++) {
      if (attempt > 1) {
        sink.line(
            "[gryt] retrying step " + step.name() + " (try " + attempt + " of " + tries + ")");
      }
      Duration timeout =
          step.timeoutSeconds() == null ? null : Duration.ofSeconds(step.timeoutSeconds());
      if (deadline != null) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
          runDeadlineHit = true;
          break;
        }
        if (timeout == null || left.compareTo(timeout) < 0) {
          timeout = left;
          runDeadlineHit = true;
        } else {
          runDeadlineHit = false;
        }
      }
      // in flight first, then the check: a cancel either sees the flag or is seen here
      stepInFlight = true;
      if (cancelled || refused) {
        stepInFlight = false;
        break;
      }
      try {
        result = runner.run(spec(step, timeout), sink);
      } catch (IOException e) {
        sink.line("[gryt] cannot start the step: " + e.getMessage());
        update(status, StepState.FAILED, null, null, clock.instant());
        return new Outcome(
            JobRunPhase.FAILED, "step " + step.name() + " could not start: " + e.getMessage());
      }
      if (result.succeeded() || result.cancelled() || cancelled || refused) {
        break;
      }
      if (result.timedOut() && runDeadlineHit) {
        break; // the run is out of time: no retry
      }
    }
    Instant now = clock.instant();
    if (cancelled || refused) {
      update(status, StepState.CANCELLED, null, null, now);
      return new Outcome(JobRunPhase.CANCELLED, "cancelled during step " + step.name());
    }
    if (result == null) {
      update(status, StepState.TIMED_OUT, null, null, now);
      return new Outcome(
          JobRunPhase.TIMED_OUT, "the pipeline timed out before step " + step.name());
    }
    if (result.cancelled() || cancelled || refused) {
      update(status, StepState.CANCELLED, null, null, now);
      return new Outcome(JobRunPhase.CANCELLED, "cancelled during step " + step.name());
    }
    if (result.timedOut()) {
      update(status, StepState.TIMED_OUT, null, null, now);
      return new Outcome(
          JobRunPhase.TIMED_OUT,
          runDeadlineHit
              ? "the pipeline timed out during step " + step.name()
              : "step " + step.name() + " timed out after " + step.timeoutSeconds() + "s");
    }
    if (!result.succeeded()) {
      update(status, StepState.FAILED, result.exitCode(), null, now);
      return new Outcome(
          JobRunPhase.FAILED,
          "step " + step.name() + " failed with exit code " + result.exitCode());
    }
    update(status, StepState.SUCCEEDED, 0, null, now);
    return null;
  }

  private StepSpec spec(RunAssignment.Step step, Duration timeout) {
    RunAssignment.Pipeline pipeline = assignment.pipeline();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CI", "true");
    env.put("GRYT_RUN_ID", runId());
    env.put("GRYT_STEP", step.name());
    synchronized (lock) {
      if (commit != null) {
        env.put("GRYT_COMMIT", commit);
      }
    }
    if (pipeline.env() != null) {
      env.putAll(pipeline.env());
    }
    if (step.env() != null) {
      env.putAll(step.env());
    }
    RunAssignment.ResourceLimits limits = pipeline.resources();
    Resources resources =
        limits == null
            ? Resources.unlimited()
            : Resources.of(
                limits.cpu() == null ? null : Quantities.cpuCores(limits.cpu()).orElse(null),
                limits.memory() == null
                    ? null
                    : Quantities.memoryBytes(limits.memory()).orElse(null));
    String image = step.image() != null ? step.image() : pipeline.image();
    return StepSpec.builder(runnerKey(), step.name(), step.command(), workspace)
        .image(image)
        .env(env)
        .timeout(timeout)
        .resources(resources)
        .networkAllowed(options.networkAllowed())
        .build();
  }

  private void update(
      StepStatus status, StepState state, Integer exitCode, Instant started, Instant finished) {
    synchronized (lock) {
      status.state = state;
      if (exitCode != null) {
        status.exitCode = exitCode;
      }
      if (started != null) {
        status.startedAt = started;
      }
      if (finished != null) {
        status.finishedAt = finished;
      }
    }
    reporter.changed();
  }

  private void finish(JobRunPhase finalPhase, String finalMessage) {
    synchronized (lock) {
      phase = finalPhase;
      message = finalMessage;
      for (StepStatus step : steps) {
        if (step.state == StepState.PENDING) {
          step.state = StepState.SKIPPED;
        } else if (step.state == StepState.RUNNING) {
          step.state = finalPhase == JobRunPhase.CANCELLED ? StepState.CANCELLED : StepState.FAILED;
          step.finishedAt = clock.instant();
        }
      }
    }
    LOG.info(
        "run {} attempt {}: {}{}",
        runId(),
        attempt(),
        finalPhase,
        finalMessage == null ? "" : " (" + finalMessage + ")");
  }

  private RunReport snapshot() {
    synchronized (lock) {
      List<RunReport.StepReport> reports = new ArrayList<>();
      for (StepStatus s : steps) {
        reports.add(
            new RunReport.StepReport(s.name, s.state, s.exitCode, s.startedAt, s.finishedAt));
      }
      return new RunReport(runId(), attempt(), phase, commit, message, reports, List.of());
    }
  }

  JobRunPhase phase() {
    synchronized (lock) {
      return phase;
    }
  }

  private static final class StepStatus {
    final String name;
    StepState state = StepState.PENDING;
    Integer exitCode;
    Instant startedAt;
    Instant finishedAt;

    StepStatus(String name) {
      this.name = name;
    }
  }
}
