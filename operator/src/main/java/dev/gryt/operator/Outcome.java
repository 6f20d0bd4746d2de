package dev.gryt.operator;

import dev.gryt.crds.GrytStatus;
import java.time.Duration;

/**
 * A reconciler's decision: the status the resource should have, and when to look again even if
 * nothing changes (null: only on change or periodic resync).
 */
public record Outcome<T extends GrytStatus>(T status, Duration requeueAfter) {
  public static <T extends GrytStatus> Outcome<T> of(T status) {
    return new Outcome<>(status, null);
  }
}
