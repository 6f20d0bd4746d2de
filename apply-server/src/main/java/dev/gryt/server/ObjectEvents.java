package dev.gryt.server;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import dev.gryt.store.WatchEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An object's recent events, as {@code describe} shows them, read off its changes in the event log:
 * created, spec changed, each condition whose status moved, deleted. Pure: the changes in, the
 * events out.
 */
final class ObjectEvents {
  private ObjectEvents() {}

  /**
   * @param newestFirst the object's changes, newest first
   * @return the events, newest first
   */
  static List<Map<String, Object>> of(List<WatchEvent> newestFirst) {
    List<Map<String, Object>> events = new ArrayList<>();
    GrytResource<?, ?> before = null;
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      WatchEvent change = newestFirst.get(i);
      GrytResource<?, ?> after = change.resource();
      long rv = change.resourceVersion();
      switch (change.type()) {
        case ADDED ->
            events.add(
                event(
                    rv,
                    after.getMetadata().getCreationTimestamp(),
                    "Created",
                    "generation " + after.getMetadata().getGeneration()));
        case DELETED -> events.add(event(rv, null, "Deleted", ""));
        case MODIFIED -> {
          Long was = before == null ? null : before.getMetadata().getGeneration();
          Long now = after.getMetadata().getGeneration();
          if (before != null && !Objects.equals(was, now)) {
            events.add(event(rv, null, "SpecChanged", "generation " + was + " → " + now));
          }
        }
      }
      if (change.type() != WatchEvent.Type.DELETED) {
        for (Condition c : conditions(after)) {
          Condition old = before == null ? null : find(conditions(before), c.type);
          if (old == null || !Objects.equals(old.status, c.status)) {
            events.add(
                event(
                    rv,
                    c.lastTransitionTime,
                    c.reason == null ? c.type : c.reason,
                    c.type + "=" + c.status + (c.message == null ? "" : ": " + c.message)));
          }
        }
      }
      before = after;
    }
    List<Map<String, Object>> newest = new ArrayList<>(events.size());
    for (int i = events.size() - 1; i >= 0; i--) {
      newest.add(events.get(i));
    }
    return newest;
  }

  private static List<Condition> conditions(GrytResource<?, ?> r) {
    Object status = r.getStatus();
    if (status instanceof GrytStatus s && s.conditions != null) {
      return s.conditions;
    }
    return List.of();
  }

  private static Condition find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
  }

  private static Map<String, Object> event(long rv, String time, String reason, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("resource_version", rv);
    e.put("time", time);
    e.put("reason", reason);
    e.put("message", message);
    return e;
  }
}
