package dev.gryt.agent.runner;

import java.time.Duration;

/**
 * How a step ended.
 *
 * @param exitCode the process's exit code; -1 when it was stopped before it exited by itself
 * @param outcome whether it exited, was stopped at its timeout, or was cancelled
 * @param duration wall time from start to end
 */
public record StepResult(int exitCode, Outcome outcome, Duration duration) {

  /** Why the step ended. */
  public enum Outcome {
    EXITED,
    TIMED_OUT,
    CANCELLED
  }

  public boolean succeeded() {
    return outcome == Outcome.EXITED && exitCode == 0;
  }

  public boolean timedOut() {
    return outcome == Outcome.TIMED_OUT;
  }

  public boolean cancelled() {
    return outcome == Outcome.CANCELLED;
  }
}
