package dev.gryt.cli;

/**
 * Implemented by commands whose failures exit with something other than 1, such as {@code diff},
 * where 1 means "there are differences".
 */
public interface FailureExitCode {
  int failureExitCode();
}
