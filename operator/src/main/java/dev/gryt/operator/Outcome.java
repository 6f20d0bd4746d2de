package dev.gryt.operator;

import dev.gryt.crds.GrytStatus;
import dev.gryt.crds.ResourceKey;
import java.time.Duration;
import java.util.List;

/**
 * A reconciler's decision: the status the resource should have, when to look again even if nothing
 * changes (null: only on change or periodic resync), and the resources the driver should delete (a
 * Job's finished runs beyond its history limit). Deleting something already gone is not an error.
 */
public record Outcome<T extends GrytStatus>(
    T status, Duration requeueAfter, List<ResourceKey> deletes) {
  public Outcome {
    deletes = deletes == null ? List.of() : List.copyOf(deletes);
  }

  public Outcome(T status, Duration requeueAfter) {
    this(status, requeueAfter, List.of());
  }

  public static <T extends GrytStatus> Outcome<T> of(T status) {
    return new Outcome<>(status, null);
  }

  /** This outcome, also deleting {@code keys}. */
  public Outcome<T> deleting(List<ResourceKey> keys) {
    return new Outcome<>(status, requeueAfter, keys);
  }
}
