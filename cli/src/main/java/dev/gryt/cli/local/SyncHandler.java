package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Subscribes to the {@link EventBus} and pushes what the execution mode says ({@link SyncPolicy}).
 * The local write already happened: a failed push is a warning, the record is left {@code failed}
 * (or {@code conflict}) for {@code gryt sync push} to retry.
 */
public final class SyncHandler implements Consumer<LocalEvent> {
  private final ExecutionMode mode;
  private final LocalStore store;
  private final Supplier<CloudSync> sync;
  private final PrintWriter err;

  /**
   * @param sync made only when an event is pushed, so local-only commands never load the client
   */
  public SyncHandler(
      ExecutionMode mode, LocalStore store, Supplier<CloudSync> sync, PrintWriter err) {
    this.mode = mode;
    this.store = store;
    this.sync = sync;
    this.err = err;
  }

  @Override
  public void accept(LocalEvent event) {
    LocalGeneration g = store.generationById(event.generationId()).orElse(null);
    if (g == null) {
      return;
    }
    LocalEvolution e =
        event.evolutionId() == null
            ? null
            : store.allEvolutions().stream()
                .filter(x -> x.id() == event.evolutionId())
                .findFirst()
                .orElse(null);
    if (!SyncPolicy.pushes(mode, event.type(), e == null ? null : e.status())) {
      return;
    }
    try {
      if (e != null) {
        sync.get().pushEvolution(g, e);
      } else {
        sync.get().pushGeneration(g, false);
      }
    } catch (CliException failure) {
      err.println(
          "warning: "
              + event.type()
              + " of "
              + g.version()
              + " is saved locally but was not synced: "
              + failure.getMessage()
              + (failure instanceof SyncConflictException ? "" : " (retry with: gryt sync push)"));
      err.flush();
    }
  }
}
