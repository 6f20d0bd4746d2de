package dev.gryt.store;

import dev.gryt.crds.ResourceKind;

/** Where a resource lives: its kind, namespace and name (the primary key of {@code resources}). */
record ResourceKey(ResourceKind kind, String namespace, String name) {
  @Override
  public String toString() {
    return kind.kind() + " " + namespace + "/" + name;
  }
}
