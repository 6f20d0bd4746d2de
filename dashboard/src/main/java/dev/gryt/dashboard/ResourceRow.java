package dev.gryt.dashboard;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import java.util.List;

/** One resource in a list: its names and its READY condition with reason and message. */
public record ResourceRow(
    String id, String name, String namespace, String ready, String reason, String message) {

  static ResourceRow of(GrytResource<?, ?> r) {
    Condition ready =
        conditions(r).stream().filter(c -> Condition.READY.equals(c.type)).findFirst().orElse(null);
    return new ResourceRow(
        r.id(),
        r.getMetadata().getName(),
        r.getMetadata().getNamespace(),
        ready == null || ready.status == null ? "Unknown" : ready.status,
        ready == null || ready.reason == null ? "" : ready.reason,
        ready == null || ready.message == null ? "" : ready.message);
  }

  static List<Condition> conditions(GrytResource<?, ?> r) {
    Object status = r.getStatus();
    return status instanceof GrytStatus s && s.conditions != null ? s.conditions : List.of();
  }

  public String readyClass() {
    return "ready ready-" + ready.toLowerCase(java.util.Locale.ROOT);
  }
}
