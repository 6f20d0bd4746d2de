package dev.gryt.agent.server;

import java.util.List;

/** A request the agent answers with {@code status} and {@code {"message", "problems"?}}. */
final class AgentHttpException extends RuntimeException {
  private final int status;
  private final List<String> problems;

  AgentHttpException(int status, String message) {
    this(status, message, List.of());
  }

  AgentHttpException(int status, String message, List<String> problems) {
    super(message);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  int status() {
    return status;
  }

  List<String> problems() {
    return problems;
  }
}
