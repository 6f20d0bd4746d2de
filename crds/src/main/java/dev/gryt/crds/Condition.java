package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One observation about a resource, in the shape Kubernetes uses for {@code status.conditions}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "type",
  "status",
  "reason",
  "message",
  "lastTransitionTime",
  "observedGeneration"
})
public class Condition {
  public static final String READY = "Ready";
  public static final String SUCCEEDED = "Succeeded";

  /** Condition type, e.g. {@code Ready}. */
  public String type;

  /** {@code True}, {@code False} or {@code Unknown}. */
  public String status;

  /** CamelCase machine-readable reason. */
  public String reason;

  public String message;

  /** ISO-8601 UTC instant; moves only when {@link #status} moves. */
  public String lastTransitionTime;

  public Long observedGeneration;

  public Condition() {}

  public Condition(String type, String status, String reason, String message) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Condition c)) {
      return false;
    }
    return Objects.equals(type, c.type)
        && Objects.equals(status, c.status)
        && Objects.equals(reason, c.reason)
        && Objects.equals(message, c.message)
        && Objects.equals(lastTransitionTime, c.lastTransitionTime)
        && Objects.equals(observedGeneration, c.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
  }
}
