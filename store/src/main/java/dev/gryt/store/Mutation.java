package dev.gryt.store;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;

/** One write inside a {@link ResourceStore#commit} transaction. */
public sealed interface Mutation {
  /** Creates a new resource; fails with {@link AlreadyExistsException} when the name is taken. */
  record Create(GrytResource<?, ?> resource) implements Mutation {}

  /** Replaces spec/labels/annotations; {@code metadata.resourceVersion} must match. */
  record Update(GrytResource<?, ?> resource) implements Mutation {}

  /** Replaces status; {@code metadata.resourceVersion} must match. */
  record UpdateStatus(GrytResource<?, ?> resource) implements Mutation {}

  /** Deletes; {@code expectedResourceVersion} null deletes whatever is stored. */
  record Delete(ResourceKind kind, String namespace, String name, String expectedResourceVersion)
      implements Mutation {}
}
