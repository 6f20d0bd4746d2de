package dev.gryt.store;

import java.util.Optional;

/** A running watch; close it to stop delivery. */
public interface Watch extends AutoCloseable {
  /** Why the watch stopped on its own (e.g. {@link GoneException}), if it did. */
  Optional<RuntimeException> failure();

  @Override
  void close();
}
