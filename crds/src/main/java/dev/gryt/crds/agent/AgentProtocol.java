package dev.gryt.crds.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The paths of the agent protocol, on both ends, and the one JSON form both ends read and write it
 * with.
 *
 * <p>The agent serves {@link #HEALTH}, {@link #RUNS} (a {@link RunAssignment}) and {@link #CANCEL};
 * the server serves {@link #REPORT} (a {@link RunReport}), authenticated by the placement's bearer
 * token.
 */
public final class AgentProtocol {
  /** The agent's health: status, version, runtime, isolates, capacity, running. */
  public static final String HEALTH = "/health";

  /** Where the server posts a {@link RunAssignment}. */
  public static final String RUNS = "/runs";

  /** The path parameter naming a run. */
  public static final String RUN_ID = "run_id";

  /** Where the server asks an agent to stop a run. */
  public static final String CANCEL = RUNS + "/{" + RUN_ID + "}/cancel";

  private static final String REPORT_PREFIX = "/api/v1/agent/runs/";
  private static final String REPORT_SUFFIX = "/report";

  /** Where an agent posts a {@link RunReport}, on the server. */
  public static final String REPORT = REPORT_PREFIX + "{" + RUN_ID + "}" + REPORT_SUFFIX;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private AgentProtocol() {}

  /** The JSON mapper of the protocol: ISO-8601 instants, unknown fields ignored; read-only. */
  public static ObjectMapper json() {
    return JSON;
  }

  /** {@code value} (an assignment, a report) as the protocol's JSON. */
  public static byte[] toJson(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #CANCEL} of one run. */
  public static String cancelPath(String runId) {
    return RUNS + "/" + runId + "/cancel";
  }

  /** {@link #REPORT} of one run. */
  public static String reportPath(String runId) {
    return REPORT_PREFIX + runId + REPORT_SUFFIX;
  }

  /** The run a {@link #REPORT} path names; empty for any other path. */
  public static Optional<String> reportedRun(String path) {
    if (!path.startsWith(REPORT_PREFIX) || !path.endsWith(REPORT_SUFFIX)) {
      return Optional.empty();
    }
    String id =
        path.substring(
            REPORT_PREFIX.length(),
            Math.max(REPORT_PREFIX.length(), path.length() - REPORT_SUFFIX.length()));
    return id.isEmpty() || id.indexOf('/') >= 0 ? Optional.empty() : Optional.of(id);
  }
}
