package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.WatchEvent;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link WatchHub} over a real SQLite store: one reader, parked waiters woken by the events
 * they want, resumes from the window or the log, 410 beyond the log, empty answers at the timeout,
 * tenants kept apart and the caps on open long polls.
 */
class WatchHubIT {
  /** Generous: an answer that is coming arrives well within it, on any machine. */
  private static final long ANSWER_SECONDS = 30;

  private static final Principal ALICE = new Principal("acct-a", "alice", "ta-");
  private static final Principal BOB = new Principal("acct-b", "bob", "tb-");
  private static final WatchFilter ALL_OF_ADMIN =
      WatchFilter.of(Principal.ADMIN, EnumSet.allOf(ResourceKind.class));

  @TempDir Path dir;
  ResourceStore store;
  ExecutorService replies;
  WatchHub hub;

  @BeforeEach
  void start() {
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db") + "?eventRetention=20");
    replies = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
    replies.shutdownNow();
    replies.awaitTermination(10, TimeUnit.SECONDS);
    store.close();
  }

  @Test
  void aParkedPollGetsTheNextEventItMayAndNothingElse() throws Exception {
    hub = WatchHub.start(store, replies, 8, 50, 100);
    long now = store.resourceVersion();
    CompletableFuture<WatchHub.Batch> alice = hub.next(now, filter(ALICE), 500, long_(), "alice");
    CompletableFuture<WatchHub.Batch> bob = hub.next(now, filter(BOB), 500, long_(), "bob");
    assertThat(alice).isNotDone();
    assertThat(hub.open()).isEqualTo(2);

    store.create(pipeline("tb-default", "bobs"));
    WatchHub.Batch toBob = bob.get(ANSWER_SECONDS, TimeUnit.SECONDS);
    assertThat(toBob.events()).singleElement().satisfies(e -> seen(e, "default", "bobs"));
    // Bob's event went to Bob only: Alice still waits.
    assertThat(alice).isNotDone();

    store.create(pipeline("ta-default", "alices"));
    WatchHub.Batch toAlice = alice.get(ANSWER_SECONDS, TimeUnit.SECONDS);
    assertThat(toAlice.events()).singleElement().satisfies(e -> seen(e, "default", "alices"));
    assertThat(toAlice.position()).isEqualTo(store.resourceVersion());
    assertThat(hub.open()).isZero();
  }

  @Test
  void resumesFromTheWindowThenFromTheLogThenSaysGone() throws Exception {
    hub = WatchHub.start(store, replies, 8, 50, 100);
    long start = store.resourceVersion();
    // The hub reads asynchronously: wait for it to hold the last of these before asking it.
    CompletableFuture<WatchHub.Batch> last = hub.next(start + 11, ALL_OF_ADMIN, 500, long_(), "a");
    for (int i = 0; i < 12; i++) {
      store.create(pipeline("default", "p" + i));
    }
    last.get(ANSWER_SECONDS, TimeUnit.SECONDS);

    // Within the window (the newest 8): answered at once, in order, a page at a time.
    WatchHub.Batch recent = hub.next(start + 6, ALL_OF_ADMIN, 3, long_(), "a").getNow(null);
    assertThat(names(recent)).containsExactly("p6", "p7", "p8");
    assertThat(recent.position()).isEqualTo(start + 9);
    WatchHub.Batch rest = hub.next(recent.position(), ALL_OF_ADMIN, 500, long_(), "a").getNow(null);
    assertThat(names(rest)).containsExactly("p9", "p10", "p11");

    // Older than the window: the hub says so (null) and the handler reads the store's log.
    assertThat(hub.next(start + 1, ALL_OF_ADMIN, 500, long_(), "a")).isNull();

    // Older than the log too (it keeps 20): gone, through the HTTP handler's path as well.
    for (int i = 12; i < 40; i++) {
      store.create(pipeline("default", "p" + i));
    }
    assertThatThrownBy(() -> store.events(start + 1, 500))
        .isInstanceOf(dev.gryt.store.GoneException.class);
  }

  @Test
  void aQuietPollAnswersEmptyAtItsTimeoutWithThePositionReached() throws Exception {
    hub = WatchHub.start(store, replies, 8, 50, 100);
    store.create(pipeline("tb-default", "not-alices"));
    long now = store.resourceVersion();
    WatchHub.Batch quiet =
        hub.next(now - 1, filter(ALICE), 500, Duration.ofMillis(200), "alice")
            .get(ANSWER_SECONDS, TimeUnit.SECONDS);
    assertThat(quiet.events()).isEmpty();
    assertThat(quiet.position()).isGreaterThanOrEqualTo(now - 1);
    assertThat(hub.open()).isZero();
  }

  @Test
  void capsLongPollsPerCallerAndInAll() {
    hub = WatchHub.start(store, replies, 8, 3, 5);
    long now = store.resourceVersion();
    for (int i = 0; i < 3; i++) {
      hub.next(now, filter(ALICE), 500, long_(), "alice");
    }
    assertThatThrownBy(() -> hub.next(now, filter(ALICE), 500, long_(), "alice"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(429));
    hub.next(now, filter(BOB), 500, long_(), "bob");
    hub.next(now, filter(BOB), 500, long_(), "bob");
    assertThatThrownBy(() -> hub.next(now, filter(BOB), 500, long_(), "bob"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    // An answer that needs no wait holds nothing, so the caps do not apply to it.
    assertThat(hub.next(now, filter(ALICE), 500, Duration.ZERO, "alice")).isDone();
    assertThat(hub.open()).isEqualTo(5);
  }

  private static Duration long_() {
    return Duration.ofSeconds(ANSWER_SECONDS * 2);
  }

  private static WatchFilter filter(Principal p) {
    return WatchFilter.of(p, EnumSet.allOf(ResourceKind.class));
  }

  private static List<String> names(WatchHub.Batch b) {
    List<String> names = new ArrayList<>();
    b.events().forEach(e -> names.add(e.resource().getMetadata().getName()));
    return names;
  }

  private static void seen(WatchEvent e, String namespace, String name) {
    assertThat(e.resource().getMetadata().getNamespace()).isEqualTo(namespace);
    assertThat(e.resource().getMetadata().getName()).isEqualTo(name);
  }

  static Pipeline pipeline(String namespace, String name) {
    Pipeline pipeline = new Pipeline();
    pipeline.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "build";
    step.command = "make";
    spec.steps = new ArrayList<>(List.of(step));
    pipeline.setSpec(spec);
    return pipeline;
  }
}
