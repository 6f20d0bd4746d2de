package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * The state of one step of a run, as an agent reports it and {@link JobRunStatus.StepStatus#state}
 * stores it ({@link #value()}).
 */
public enum StepState {
  PENDING("Pending"),
  RUNNING("Running"),
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  TIMED_OUT("TimedOut"),
  CANCELLED("Cancelled"),
  SKIPPED("Skipped");

  private final String value;

  StepState(String value) {
    this.value = value;
  }

  /** The stored and wire form, e.g. {@code TimedOut}. */
  @JsonValue
  public String value() {
    return value;
  }

  /**
   * The state whose {@link #value()} is {@code value}.
   *
   * @throws IllegalArgumentException for anything else (case matters)
   */
  @JsonCreator
  public static StepState of(String value) {
    return parse(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "not a step state: " + value + " (one of " + Arrays.toString(values()) + ")"));
  }

  /** The state a stored step names; empty for none or an unknown one. */
  public static Optional<StepState> parse(String value) {
    for (StepState state : values()) {
      if (state.value.equals(value)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  /** Whether a stored step is in this state. */
  public boolean is(String stored) {
    return value.equals(stored);
  }

  @Override
  public String toString() {
    return value;
  }
}
