package dev.gryt.agent.runner;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs one step's command and streams its output. Implementations are thread-safe: several runs may
 * have a step running at once, each under its own run id.
 */
public interface StepRunner {

  /**
   * What runs the steps, as reported in the agent's {@code /health}: {@code process}, {@code
   * container:podman}, {@code container:docker}, {@code sandbox:bwrap}.
   */
  String name();

  /**
   * Whether a tenant's step may run here: it gets no capability on the host (a user namespace with
   * an unprivileged mapping, no new privileges, namespaces of its own) and sees none of the
   * server's files or environment. An agent whose runner does not isolate runs only the admin's own
   * namespaces.
   */
  default boolean isolates() {
    return false;
  }

  /**
   * Where an agent should make the workspaces of this runner's steps, given its own work directory:
   * that directory, unless the runner starts steps as a user that could not reach it (the sandbox
   * of a root agent).
   */
  default Path workspaceRoot(Path workDir) {
    return workDir;
  }

  /**
   * Runs the step to its end, its timeout, or a {@link #cancel(String)} of its run, sending every
   * output line to {@code sink} as it comes. Whatever the step started (processes, a container) is
   * gone when this returns.
   *
   * @throws IOException when the step could not be started at all (no such engine, no image...)
   */
  StepResult run(StepSpec step, LogSink sink) throws IOException, InterruptedException;

  /**
   * Stops the step running for {@code runId}, if any; its {@link #run} then returns a {@link
   * StepResult.Outcome#CANCELLED} result. Returns whether a step was running.
   */
  boolean cancel(String runId);
}
