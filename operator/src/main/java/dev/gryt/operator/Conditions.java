package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.ConditionReason;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a status's conditions from the previous ones, keeping each condition's {@code
 * lastTransitionTime} unless its status moved — so an unchanged world yields an identical status
 * and nothing is written.
 */
public final class Conditions {
  private final List<Condition> previous;
  private final List<Condition> next = new ArrayList<>();
  private final Instant now;
  private final Long generation;

  public Conditions(List<Condition> previous, Instant now, Long generation) {
    this.previous = previous == null ? List.of() : previous;
    this.now = now;
    this.generation = generation;
  }

  /** Starts from a resource's current conditions and generation. */
  public static Conditions of(GrytResource<?, ?> resource, Instant now) {
    GrytStatus status = resource.getStatus();
    return new Conditions(
        status == null ? null : status.conditions, now, resource.getMetadata().getGeneration());
  }

  public Conditions set(String type, boolean status, ConditionReason reason, String message) {
    return set(type, status ? "True" : "False", reason, message);
  }

  public Conditions set(String type, String status, ConditionReason reason, String message) {
    Condition c = new Condition(type, status, reason.value(), message);
    c.observedGeneration = generation;
    c.lastTransitionTime =
        previous.stream()
            .filter(
                p -> type.equals(p.type) && status.equals(p.status) && p.lastTransitionTime != null)
            .map(p -> p.lastTransitionTime)
            .findFirst()
            .orElse(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    next.removeIf(n -> type.equals(n.type));
    next.add(c);
    return this;
  }

  public List<Condition> build() {
    return List.copyOf(next);
  }
}
