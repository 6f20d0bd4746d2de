package dev.gryt.agent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.crds.agent.AgentProtocol;
import dev.gryt.crds.agent.RunAssignment;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link AgentProtocol#RUNS} and {@link AgentProtocol#CANCEL}. */
final class RunsHandler {
  private final RunExecutor executor;

  RunsHandler(RunExecutor executor) {
    this.executor = executor;
  }

  void start(Context ctx) {
    RunAssignment assignment = parse(ctx.bodyAsBytes());
    List<String> problems = assignment.problems();
    if (!problems.isEmpty()) {
      throw new AgentHttpException(
          400, "invalid run: " + problems.size() + " problem(s)", problems);
    }
    if (!assignment.fromAdmin() && !executor.runner().isolates()) {
      throw new AgentHttpException(
          403,
          "this agent's runner ("
              + executor.runner().name()
              + ") does not isolate steps: it runs only the admin's own namespaces, not "
              + (assignment.namespace() == null ? "a run without a namespace" : "a tenant's run"));
    }
    switch (executor.submit(assignment)) {
      case ACCEPTED ->
          ctx.status(202)
              .json(Map.of("run_id", assignment.runId(), "attempt", assignment.attempt()));
      case ALREADY_RUNNING ->
          throw new AgentHttpException(
              409,
              "run " + assignment.runId() + " is already running here at this or a newer attempt");
      case AT_CAPACITY -> throw new AgentHttpException(503, "at capacity");
    }
  }

  void cancel(Context ctx) {
    String runId = ctx.pathParam(AgentProtocol.RUN_ID);
    if (!executor.cancel(runId)) {
      throw new AgentHttpException(404, "run " + runId + " is not running here");
    }
    ctx.status(202).json(Map.of("run_id", runId));
  }

  private static RunAssignment parse(byte[] body) {
    if (body.length == 0) {
      throw new AgentHttpException(
          400, "invalid run: empty body", List.of("body: a JSON object required"));
    }
    try {
      RunAssignment assignment = AgentProtocol.json().readValue(body, RunAssignment.class);
      if (assignment == null) {
        throw new AgentHttpException(400, "invalid run", List.of("body: a JSON object required"));
      }
      return assignment;
    } catch (MismatchedInputException e) {
      String path = path(e);
      throw new AgentHttpException(
          400,
          "invalid run: wrong type",
          List.of(
              (path.isEmpty() ? "body" : path)
                  + ": wrong type ("
                  + firstLine(e.getOriginalMessage())
                  + ")"));
    } catch (JsonMappingException e) {
      String path = path(e);
      throw new AgentHttpException(
          400,
          "invalid run",
          List.of((path.isEmpty() ? "body" : path) + ": " + firstLine(e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw new AgentHttpException(
          400, "invalid run: not JSON", List.of("body: " + firstLine(e.getOriginalMessage())));
    } catch (java.io.IOException e) {
      throw new AgentHttpException(
          400, "invalid run: unreadable body", List.of("body: " + e.getMessage()));
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining())
        .replaceFirst("^\\.", "");
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
