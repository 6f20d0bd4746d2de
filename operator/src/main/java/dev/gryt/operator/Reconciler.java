package dev.gryt.operator;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import java.time.Instant;
import java.util.List;

/**
 * Decides, without I/O, what status a resource should have given what it refers to. Drivers (the
 * standalone control loop, the JOSDK operator) do the reading and writing.
 *
 * <p>Throw for transient failures (the driver retries with backoff); express permanent ones as
 * {@code Ready=False} with a reason.
 */
public interface Reconciler<R extends GrytResource<?, T>, T extends GrytStatus> {
  Outcome<T> reconcile(R resource, Lookup lookup, Instant now);

  /**
   * Every kind {@link #reconcile} reads through its {@link Lookup}, and which changes of it bring a
   * resource back: the one declaration both drivers derive their wake-ups from. None by default (a
   * decision from the resource alone).
   */
  default List<Reference<R, ?>> references() {
    return List.of();
  }
}
