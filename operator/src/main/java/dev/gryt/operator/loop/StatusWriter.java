package dev.gryt.operator.loop;

import dev.gryt.crds.GrytResource;
import dev.gryt.store.ConflictException;
import dev.gryt.store.Mutation;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the statuses the loop's workers decided, many to a transaction: a worker hands its write
 * over and takes the next key, and one thread commits whatever has gathered meanwhile. On a store
 * that serializes writers (SQLite) this turns thousands of one-row transactions into a few dozen;
 * on PostgreSQL it saves a round trip and a commit per status.
 *
 * <p>Each write stays fenced by the resourceVersion its decision saw. A batch that fails (one of
 * its resources changed or went meanwhile) is written again one by one, so that only the stale
 * writes fail, each reported to its own callback.
 */
final class StatusWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  /** Most statuses in one transaction: keeps a transaction short next to the API's writes. */
  static final int MAX_BATCH = 256;

  /** What becomes of one write. */
  interface Callback {
    /** Written, told first to every write of a batch, before {@link #written}. */
    void stored(GrytResource<?, ?> written);

    /** Written: {@code written} is the stored resource, with its new resourceVersion. */
    void written(GrytResource<?, ?> written);

    /** Not written: the resource changed or went since it was read ({@code e} says which). */
    void stale(RuntimeException e);

    /** Not written: the store failed. */
    void failed(RuntimeException e);
  }

  private record Write(GrytResource<?, ?> resource, Callback callback) {}

  private final ResourceStore store;
  private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  StatusWriter(ResourceStore store) {
    this.store = store;
    this.thread = new Thread(this::run, "gryt-status-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a status write of {@code resource} (its status set, its resourceVersion as read). */
  void write(GrytResource<?, ?> resource, Callback callback) {
    queue.add(new Write(resource, callback));
  }

  private void run() {
    List<Write> batch = new ArrayList<>();
    while (running) {
      try {
        Write first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // A callback that threw: the rest of its batch was answered; keep writing.
        LOG.warn("status write callback failed: {}", e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Write> batch) {
    if (batch.size() > 1) {
      List<Mutation> mutations = new ArrayList<>(batch.size());
      batch.forEach(w -> mutations.add(new Mutation.UpdateStatus(w.resource())));
      List<GrytResource<?, ?>> written;
      try {
        written = store.commit(mutations);
      } catch (ConflictException | NotFoundException e) {
        // Someone else wrote one of them: find out which, one by one.
        batch.forEach(this::commitOne);
        return;
      } catch (RuntimeException e) {
        batch.forEach(w -> w.callback().failed(e));
        return;
      }
      // All marked first: the watch is about to bring their events.
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).callback().stored(written.get(i));
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).callback().written(written.get(i));
      }
      return;
    }
    commitOne(batch.get(0));
  }

  private void commitOne(Write w) {
    GrytResource<?, ?> written;
    try {
      written = store.updateStatus(w.resource());
    } catch (ConflictException | NotFoundException e) {
      w.callback().stale(e);
      return;
    } catch (RuntimeException e) {
      w.callback().failed(e);
      return;
    }
    w.callback().stored(written);
    w.callback().written(written);
  }

  /**
   * Whether the writing thread has died (an Error it cannot survive): no status is written again,
   * so the process must be restarted.
   */
  boolean dead() {
    return running && !thread.isAlive();
  }

  String threadName() {
    return thread.getName();
  }

  /** Stops writing; writes still queued are dropped (the loop stops with them). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
