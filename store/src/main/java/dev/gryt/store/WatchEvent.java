package dev.gryt.store;

import dev.gryt.crds.GrytResource;

/** One committed change: the resource as it was after the change (before it, for a delete). */
public record WatchEvent(long resourceVersion, Type type, GrytResource<?, ?> resource) {
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }
}
