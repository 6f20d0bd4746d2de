package dev.gryt.agent.run;

import dev.gryt.agent.runner.CappedLogSink;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.crds.agent.RunAssignment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the assignments this agent accepted, at most {@code capacity} at once, each on its own
 * thread in its own workspace under {@code workDir}.
 */
public final class RunExecutor implements AutoCloseable {

  /** Tuning: report cadence, log cap, whether steps may use the network. */
  public record Options(
      Duration heartbeat, Duration batch, long logCapBytes, boolean networkAllowed) {
    public static Options defaults() {
      return new Options(
          Duration.ofSeconds(5), Duration.ofMillis(250), CappedLogSink.DEFAULT_MAX_BYTES, false);
    }

    public Options withHeartbeat(Duration heartbeat) {
      return new Options(heartbeat, batch, logCapBytes, networkAllowed);
    }

    public Options withLogCapBytes(long logCapBytes) {
      return new Options(heartbeat, batch, logCapBytes, networkAllowed);
    }

    public Options withNetworkAllowed(boolean networkAllowed) {
      return new Options(heartbeat, batch, logCapBytes, networkAllowed);
    }
  }

  /** What {@link #submit} did with an assignment. */
  public enum Admission {
    ACCEPTED,
    /** That run is already running here at the same or a newer attempt. */
    ALREADY_RUNNING,
    AT_CAPACITY
  }

  private final StepRunner runner;
  private final ReportClient client;
  private final Path workDir;
  private final int capacity;
  private final Clock clock;
  private final Options options;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r);
            t.setName("gryt-run-" + t.getId());
            return t;
          });
  private final Map<String, RunExecution> running = new HashMap<>();

  public RunExecutor(
      StepRunner runner,
      ReportClient client,
      Path workDir,
      int capacity,
      Clock clock,
      Options options) {
    this.runner = runner;
    this.client = client;
    this.workDir = workDir;
    this.capacity = capacity;
    this.clock = clock;
    this.options = options;
    Workspaces.sweep(workDir);
    Path runnerRoot = runner.workspaceRoot(workDir);
    if (!runnerRoot.equals(workDir)) {
      Workspaces.sweep(runnerRoot);
    }
  }

  public StepRunner runner() {
    return runner;
  }

  public int capacity() {
    return capacity;
  }

  public synchronized int running() {
    return running.size();
  }

  /** Starts {@code assignment}, which must be valid ({@link RunAssignment#problems()} empty). */
  public synchronized Admission submit(RunAssignment assignment) {
    RunExecution existing = running.get(assignment.runId());
    if (existing != null) {
      if (existing.attempt() >= assignment.attempt()) {
        return Admission.ALREADY_RUNNING;
      }
      // a newer attempt supersedes the one here: the server no longer wants the old one
      existing.abandon();
      running.remove(assignment.runId());
    } else if (running.size() >= capacity) {
      return Admission.AT_CAPACITY;
    }
    Path workspace =
        runner
            .workspaceRoot(workDir)
            .resolve(
                assignment.runId()
                    + "-"
                    + assignment.attempt()
                    + "-"
                    + UUID.randomUUID().toString().substring(0, 8));
    RunExecution[] self = new RunExecution[1];
    RunExecution execution =
        new RunExecution(
            assignment, runner, client, workspace, clock, options, () -> done(self[0]));
    self[0] = execution;
    running.put(assignment.runId(), execution);
    threads.execute(execution);
    return Admission.ACCEPTED;
  }

  /** Cancels the run; false when it is not running here. */
  public synchronized boolean cancel(String runId) {
    RunExecution execution = running.get(runId);
    if (execution == null) {
      return false;
    }
    execution.cancel();
    return true;
  }

  private synchronized void done(RunExecution execution) {
    running.remove(execution.runId(), execution);
  }

  /** Cancels every run and waits a little for them to clean up. */
  @Override
  public void close() {
    synchronized (this) {
      running.values().forEach(RunExecution::cancel);
    }
    threads.shutdown();
    try {
      threads.awaitTermination(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threads.shutdownNow();
  }
}
