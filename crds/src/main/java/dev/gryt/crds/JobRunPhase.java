package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a JobRun is in its life: {@code Pending} until placed, {@code Scheduled} on an agent or as
 * a batch Job, {@code Running} once it reports, then one of the four endings. {@link
 * JobRunStatus#phase} stores {@link #value()}; an agent's report carries one of the {@link
 * #reportable()} ones.
 */
public enum JobRunPhase {
  PENDING("Pending"),
  SCHEDULED("Scheduled"),
  RUNNING("Running"),
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  CANCELLED("Cancelled"),
  TIMED_OUT("TimedOut");

  private final String value;

  JobRunPhase(String value) {
    this.value = value;
  }

  /** The stored and wire form, e.g. {@code TimedOut}. */
  @JsonValue
  public String value() {
    return value;
  }

  /**
   * The phase whose {@link #value()} is {@code value}.
   *
   * @throws IllegalArgumentException for anything else (case matters)
   */
  @JsonCreator
  public static JobRunPhase of(String value) {
    return parse(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "not a run phase: " + value + " (one of " + Arrays.toString(values()) + ")"));
  }

  /** The phase a stored status names; empty for none or an unknown one. */
  public static Optional<JobRunPhase> parse(String value) {
    for (JobRunPhase phase : values()) {
      if (phase.value.equals(value)) {
        return Optional.of(phase);
      }
    }
    return Optional.empty();
  }

  /** Whether a stored status is in this phase. */
  public boolean is(String stored) {
    return value.equals(stored);
  }

  /** Succeeded, Failed, Cancelled or TimedOut: nothing changes a run after. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == TIMED_OUT;
  }

  /** Scheduled or Running: an agent or a batch Job holds it. */
  public boolean placed() {
    return this == SCHEDULED || this == RUNNING;
  }

  /** Running or an ending: what an agent may report. */
  public boolean reportable() {
    return this == RUNNING || terminal();
  }

  /** Whether a stored phase is an ending. */
  public static boolean terminal(String stored) {
    return parse(stored).map(JobRunPhase::terminal).orElse(false);
  }

  /** Whether a stored phase is Scheduled or Running. */
  public static boolean placed(String stored) {
    return parse(stored).map(JobRunPhase::placed).orElse(false);
  }

  @Override
  public String toString() {
    return value;
  }
}
