package dev.gryt.cli.local;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Carries {@link LocalEvent}s to their handlers, in order, on the publishing thread. Publishers
 * write {@code gryt.db} first: a handler that fails (a push that cannot reach the server) never
 * undoes the local write.
 */
public final class EventBus {
  private final List<Consumer<LocalEvent>> handlers = new ArrayList<>();

  public void subscribe(Consumer<LocalEvent> handler) {
    handlers.add(handler);
  }

  public void publish(LocalEvent event) {
    for (Consumer<LocalEvent> handler : handlers) {
      handler.accept(event);
    }
  }
}
