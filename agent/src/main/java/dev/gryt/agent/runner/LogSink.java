package dev.gryt.agent.runner;

/**
 * Receives a step's output (stdout and stderr merged) one line at a time, as the step writes it.
 * Lines come without their line terminator. Called from the runner's reader thread.
 */
@FunctionalInterface
public interface LogSink {
  void line(String line);

  /** A sink that drops everything. */
  static LogSink discard() {
    return line -> {};
  }
}
