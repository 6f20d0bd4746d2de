package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ObjectSize;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.TestDatabases.TestDatabase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ResourceStore} shares. A backend's test extends this and says how to
 * get a new, empty database; other modules may extend it for stores of their own.
 */
public abstract class ResourceStoreContract extends StoreContract {
  private static PipelineStatus readyStatus(long observedGeneration) {
    PipelineStatus status = new PipelineStatus();
    status.observedGeneration = observedGeneration;
    Condition ready = new Condition();
    ready.type = "Ready";
    ready.status = "True";
    ready.reason = "Valid";
    status.conditions = new ArrayList<>(List.of(ready));
    return status;
  }

  private static List<Long> versions(List<WatchEvent> events) {
    return events.stream().map(WatchEvent::resourceVersion).toList();
  }

  private static List<String> names(List<? extends GrytResource<?, ?>> resources) {
    return resources.stream()
        .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .toList();
  }

  // ---------------------------------------------------------------- create, get, list

  @Test
  void createFillsTheServerSideFields() {
    ResourceStore store = newStore();
    Pipeline given = pipeline(null, "build", "make");
    given.setStatus(readyStatus(7));

    Pipeline created = store.create(given);

    assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(created.getMetadata().getUid()).matches("[0-9a-f-]{36}");
    assertThat(created.getMetadata().getResourceVersion()).isEqualTo("1");
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(created.getMetadata().getCreationTimestamp()).isEqualTo("2026-03-04T05:06:07Z");
    assertThat(created.id()).matches("pipe-[0-9a-f]{12}");
    assertThat(created.getStatus()).as("create ignores status").isNull();
    assertThat(created.getSpec().steps.get(0).command).isEqualTo("make");
    assertThat(given.getMetadata().getResourceVersion()).as("input untouched").isNull();
    assertThat(store.get(Pipeline.class, "default", "build"))
        .get()
        .usingRecursiveComparison()
        .isEqualTo(created);
    assertThat(store.resourceVersion()).isEqualTo(1);
  }

  @Test
  void idsAreTypedAndDistinct() {
    ResourceStore store = newStore();
    GitHubRepo repo = new GitHubRepo();
    repo.setMetadata(new ObjectMetaBuilder().withName("app").build());
    GitHubRepo createdRepo = store.create(repo);
    Pipeline a = store.create(pipeline("default", "a", "x"));
    Pipeline b = store.create(pipeline("default", "b", "x"));

    assertThat(createdRepo.id()).startsWith("repo-");
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(store.getById(a.id())).get().usingRecursiveComparison().isEqualTo(a);
    assertThat(store.getById(createdRepo.id())).get().isInstanceOf(GitHubRepo.class);
    assertThat(store.getById("pipe-000000000000")).isEmpty();
  }

  @Test
  void createOfAnExistingNameFails() {
    ResourceStore store = newStore();
    store.create(pipeline("default", "build", "make"));

    assertThatThrownBy(() -> store.create(pipeline(null, "build", "other")))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("Pipeline default/build");
    // The same name in another namespace is another resource.
    store.create(pipeline("team-a", "build", "make"));
    assertThat(store.resourceVersion()).isEqualTo(2);
  }

  @Test
  void listFiltersByNamespaceAndLabelsInNameOrder() {
    ResourceStore store = newStore();
    store.create(pipeline("team-b", "zeta", "x", Map.of("tier", "web")));
    store.create(pipeline("team-a", "beta", "x", Map.of("tier", "web", "env", "prod")));
    store.create(pipeline("team-a", "alpha", "x", Map.of("tier", "db")));
    store.create(pipeline("team-b", "alpha", "x"));
    store.create(pipeline("team-b", "Zulu", "x"));

    assertThat(names(store.list(Pipeline.class, null, Map.of())))
        .as("ordered by namespace, then name, in code-point order on every backend")
        .containsExactly(
            "team-a/alpha", "team-a/beta", "team-b/Zulu", "team-b/alpha", "team-b/zeta");
    assertThat(names(store.list(Pipeline.class, "team-a", Map.of())))
        .containsExactly("team-a/alpha", "team-a/beta");
    assertThat(names(store.list(Pipeline.class, null, Map.of("tier", "web"))))
        .containsExactly("team-a/beta", "team-b/zeta");
    assertThat(names(store.list(Pipeline.class, null, Map.of("tier", "web", "env", "prod"))))
        .containsExactly("team-a/beta");
    assertThat(store.list(Pipeline.class, "team-c", Map.of())).isEmpty();
    assertThat(store.list(GitHubRepo.class, null, Map.of())).isEmpty();
    assertThat(store.get(Pipeline.class, "team-c", "alpha")).isEmpty();
  }

  @Test
  void returnedObjectsAreNotShared() {
    ResourceStore store = newStore();
    Pipeline created = store.create(pipeline("default", "build", "make"));
    created.getSpec().steps.get(0).command = "changed by the caller";
    created.getMetadata().getLabels().put("sneaky", "yes");

    Pipeline stored = store.get(Pipeline.class, "default", "build").orElseThrow();
    assertThat(stored.getSpec().steps.get(0).command).isEqualTo("make");
    assertThat(stored.getMetadata().getLabels()).doesNotContainKey("sneaky");
  }

  @Test
  void anObjectOverTheSizeLimitIsRefusedNamedAndNothingIsStored() {
    ResourceStore store = newStore();
    long before = store.resourceVersion();
    String big = "x".repeat(ObjectSize.MAX_BYTES);

    assertThatThrownBy(() -> store.create(pipeline("default", "huge", big)))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("Pipeline \"huge\" in namespace \"default\" is 512.")
        .hasMessageContaining("the limit is 512 KiB per object");
    Pipeline small = store.create(pipeline("default", "small", "make"));
    Pipeline grown = ResourceCodec.copy(small);
    grown.getSpec().steps.get(0).command = big;
    assertThatThrownBy(() -> store.update(grown)).isInstanceOf(RejectedException.class);
    assertThatThrownBy(() -> store.commit(List.of(new Mutation.Update(grown))))
        .isInstanceOf(RejectedException.class);
    PipelineStatus status = readyStatus(1);
    status.conditions.get(0).message = big;
    Pipeline loud = ResourceCodec.copy(small);
    loud.setStatus(status);
    assertThatThrownBy(() -> store.updateStatus(loud)).isInstanceOf(RejectedException.class);

    assertThat(store.get(Pipeline.class, "default", "huge")).isEmpty();
    Pipeline stored = store.get(Pipeline.class, "default", "small").orElseThrow();
    assertThat(stored.getSpec().steps.get(0).command).isEqualTo("make");
    assertThat(stored.getStatus() == null || stored.getStatus().conditions.isEmpty()).isTrue();
    assertThat(store.events(before, 100)).hasSize(1);
  }

  // ---------------------------------------------------------------- update

  @Test
  void updateWithAStaleResourceVersionConflicts() {
    ResourceStore store = newStore();
    Pipeline created = store.create(pipeline("default", "build", "make"));
    Pipeline first = store.get(Pipeline.class, "default", "build").orElseThrow();
    first.getSpec().steps.get(0).command = "make all";
    store.update(first);

    Pipeline stale = created;
    stale.getSpec().steps.get(0).command = "make test";
    assertThatThrownBy(() -> store.update(stale))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Pipeline default/build")
        .hasMessageContaining("1")
        .hasMessageContaining("2");
    assertThat(store.get(Pipeline.class, "default", "build").orElseThrow().getSpec().steps)
        .extracting(step -> step.command)
        .containsExactly("make all");

    Pipeline withoutVersion = pipeline("default", "build", "make test");
    assertThatThrownBy(() -> store.update(withoutVersion)).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.update(pipeline("default", "missing", "x")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Pipeline default/missing");
  }

  @Test
  void generationMovesOnlyWhenTheSpecChanges() {
    ResourceStore store = newStore();
    Pipeline created = store.create(pipeline("default", "build", "make", Map.of("a", "1")));
    Pipeline withStatus = store.get(Pipeline.class, "default", "build").orElseThrow();
    withStatus.setStatus(readyStatus(1));
    withStatus = store.updateStatus(withStatus);

    // Labels and annotations only: same generation, new resourceVersion.
    Pipeline relabelled = pipeline("default", "build", "make", Map.of("b", "2"));
    relabelled.getMetadata().setResourceVersion(withStatus.getMetadata().getResourceVersion());
    relabelled.getMetadata().setAnnotations(Map.of("note", "hi"));
    relabelled = store.update(relabelled);
    assertThat(relabelled.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(relabelled.getMetadata().getResourceVersion()).isEqualTo("3");
    assertThat(relabelled.getMetadata().getLabels())
        .containsEntry("b", "2")
        .doesNotContainKey("a")
        .containsEntry(GrytResource.ID_LABEL, created.id());
    assertThat(relabelled.getMetadata().getAnnotations()).containsEntry("note", "hi");
    assertThat(relabelled.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
    assertThat(relabelled.getMetadata().getCreationTimestamp())
        .isEqualTo(created.getMetadata().getCreationTimestamp());
    assertThat(relabelled.getStatus().observedGeneration).as("update keeps status").isEqualTo(1L);

    // A spec change, with no labels at all: generation moves, the id label stays.
    Pipeline respecced = pipeline("default", "build", "make all");
    respecced.getMetadata().setResourceVersion("3");
    respecced = store.update(respecced);
    assertThat(respecced.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(respecced.id()).isEqualTo(created.id());
    assertThat(respecced.getMetadata().getAnnotations()).isNullOrEmpty();

    // The same spec again: nothing moves but the resourceVersion.
    Pipeline same = store.update(store.get(Pipeline.class, "default", "build").orElseThrow());
    assertThat(same.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(same.getMetadata().getResourceVersion()).isEqualTo("5");
  }

  @Test
  void updateStatusReplacesOnlyStatusAndNeverMovesGeneration() {
    ResourceStore store = newStore();
    Pipeline created = store.create(pipeline("default", "build", "make", Map.of("a", "1")));
    Pipeline changed = store.get(Pipeline.class, "default", "build").orElseThrow();
    changed.getSpec().steps.get(0).command = "ignored by a status write";
    changed.getMetadata().setLabels(Map.of("ignored", "too"));
    changed.setStatus(readyStatus(1));

    Pipeline written = store.updateStatus(changed);

    assertThat(written.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(written.getMetadata().getResourceVersion()).isEqualTo("2");
    assertThat(written.getSpec().steps.get(0).command).isEqualTo("make");
    assertThat(written.getMetadata().getLabels())
        .containsOnlyKeys("a", GrytResource.ID_LABEL)
        .containsEntry(GrytResource.ID_LABEL, created.id());
    assertThat(written.getStatus().condition("Ready"))
        .get()
        .extracting(c -> c.status)
        .isEqualTo("True");

    assertThatThrownBy(() -> store.updateStatus(changed)).isInstanceOf(ConflictException.class);
  }

  // ---------------------------------------------------------------- delete

  @Test
  void deleteChecksTheVersionWhenGiven() {
    ResourceStore store = newStore();
    store.create(pipeline("default", "a", "x"));
    store.create(pipeline("default", "b", "x"));

    assertThatThrownBy(() -> store.delete(ResourceKind.PIPELINE, "default", "a", "7"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Pipeline default/a");
    store.delete(ResourceKind.PIPELINE, "default", "a", "1");
    store.delete(ResourceKind.PIPELINE, null, "b", null);

    assertThat(store.list(Pipeline.class, null, Map.of())).isEmpty();
    assertThatThrownBy(() -> store.delete(ResourceKind.PIPELINE, "default", "a", null))
        .isInstanceOf(NotFoundException.class);
    List<WatchEvent> events = store.events(0, 100);
    assertThat(events).extracting(WatchEvent::type).endsWith(WatchEvent.Type.DELETED);
    assertThat(events.get(3).resource().getMetadata().getName()).isEqualTo("b");
    assertThat(events.get(3).resource().getMetadata().getResourceVersion())
        .as("a delete's event carries the last stored object")
        .isEqualTo("2");
  }

  @Test
  void aDeletedNameCanBeCreatedAgainWithANewIdentity() {
    ResourceStore store = newStore();
    Pipeline first = store.create(pipeline("default", "build", "x"));
    store.delete(ResourceKind.PIPELINE, "default", "build", null);
    Pipeline second = store.create(pipeline("default", "build", "x"));

    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(store.getById(first.id())).isEmpty();
  }

  // ---------------------------------------------------------------- commit

  @Test
  void commitAppliesMutationsInOrderAndReturnsEachResult() {
    ResourceStore store = newStore();
    Pipeline doomed = store.create(pipeline("default", "doomed", "x"));

    Pipeline laterUpdated = pipeline("default", "fresh", "make");
    Pipeline update = pipeline("default", "fresh", "make all");
    update.getMetadata().setResourceVersion("2"); // the version the create below gets
    List<GrytResource<?, ?>> results =
        store.commit(
            List.of(
                new Mutation.Create(laterUpdated),
                new Mutation.Update(update),
                new Mutation.Delete(ResourceKind.PIPELINE, "default", "doomed", "1")));

    assertThat(results).hasSize(3);
    assertThat(results.get(0).getMetadata().getResourceVersion()).isEqualTo("2");
    assertThat(results.get(1).getMetadata().getResourceVersion()).isEqualTo("3");
    assertThat(results.get(1).getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(results.get(2)).isNull();
    assertThat(names(store.list(Pipeline.class, null, Map.of()))).containsExactly("default/fresh");
    assertThat(store.getById(doomed.id())).isEmpty();
    assertThat(versions(store.events(0, 100))).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aCommitWithAFailingMutationLeavesTheStoreExactlyUnchanged() {
    ResourceStore store = newStore();
    Pipeline a = store.create(pipeline("default", "a", "x"));
    store.create(pipeline("default", "b", "x"));
    Pipeline b = store.get(Pipeline.class, "default", "b").orElseThrow();
    b.getSpec().steps.get(0).command = "y";
    store.update(b); // b is now at version 3; b's copy below carries 2
    long versionBefore = store.resourceVersion();
    List<WatchEvent> eventsBefore = store.events(0, 100);
    List<Pipeline> listBefore = store.list(Pipeline.class, null, Map.of());

    Pipeline aChanged = store.get(Pipeline.class, "default", "a").orElseThrow();
    aChanged.getSpec().steps.get(0).command = "changed";
    assertThatThrownBy(
            () ->
                store.commit(
                    List.of(
                        new Mutation.Create(pipeline("default", "c", "x")),
                        new Mutation.Update(aChanged),
                        new Mutation.Update(b))))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Pipeline default/b");
    assertThatThrownBy(
            () ->
                store.commit(
                    List.of(
                        new Mutation.Create(pipeline("default", "c", "x")),
                        new Mutation.Delete(ResourceKind.PIPELINE, "default", "a", null),
                        new Mutation.Create(pipeline("default", "b", "x")))))
        .isInstanceOf(AlreadyExistsException.class);

    assertThat(store.resourceVersion()).isEqualTo(versionBefore);
    assertThat(store.events(0, 100))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(eventsBefore);
    assertThat(store.list(Pipeline.class, null, Map.of()))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(listBefore);
    assertThat(store.getById(a.id())).isPresent();
    // The next write gets the very next version: the failed commits used none.
    assertThat(store.create(pipeline("default", "c", "x")).getMetadata().getResourceVersion())
        .isEqualTo(Long.toString(versionBefore + 1));
  }

  @Test
  void aThousandResourcesInOneCommit() {
    ResourceStore store = newStore();
    List<Mutation> creates =
        IntStream.range(0, 1000)
            .mapToObj(
                i -> (Mutation) new Mutation.Create(pipeline("default", "p" + (1000 + i), "x")))
            .toList();
    store.commit(creates);
    List<Pipeline> listed = store.list(Pipeline.class, "default", Map.of());
    assertThat(listed).hasSize(1000);
    assertThat(listed.get(0).getMetadata().getName()).isEqualTo("p1000");

    List<Mutation> updates =
        listed.stream()
            .map(
                p -> {
                  p.getSpec().steps.get(0).command = "y";
                  return (Mutation) new Mutation.Update(p);
                })
            .toList();
    store.commit(updates);

    assertThat(store.resourceVersion()).isEqualTo(2000);
    assertThat(store.list(Pipeline.class, "default", Map.of()))
        .allSatisfy(p -> assertThat(p.getMetadata().getGeneration()).isEqualTo(2L));
    assertThat(store.events(0, 5000)).hasSize(2000);
  }

  // ---------------------------------------------------------------- events and watch

  @Test
  void resourceVersionsStrictlyIncreaseAndEventsResumeFromAnyVersion() {
    ResourceStore store = newStore();
    assertThat(store.resourceVersion()).isZero();
    assertThat(store.events(0, 10)).isEmpty();
    for (int i = 0; i < 10; i++) {
      store.create(pipeline("default", "p" + i, "x"));
    }
    List<WatchEvent> all = store.events(0, 100);
    assertThat(versions(all)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(all).allSatisfy(e -> assertThat(e.type()).isEqualTo(WatchEvent.Type.ADDED));
    assertThat(versions(store.events(6, 100))).containsExactly(7L, 8L, 9L, 10L);
    assertThat(versions(store.events(6, 2))).containsExactly(7L, 8L);
    assertThat(store.events(10, 100)).isEmpty();
    assertThat(all.get(4).resource().getMetadata().getName()).isEqualTo("p4");
  }

  @Test
  void historyHoldsOneObjectsChangesNewestFirst() {
    ResourceStore store = newStore();
    Pipeline p = store.create(pipeline("default", "p", "a"));
    store.create(pipeline("default", "other", "x"));
    store.create(pipeline("elsewhere", "p", "x"));
    p.getSpec().steps.get(0).command = "b";
    p = store.update(p);
    p.setStatus(readyStatus(2));
    store.updateStatus(p);
    store.delete(ResourceKind.PIPELINE, "default", "p", null);

    List<WatchEvent> history = store.history(ResourceKind.PIPELINE, "default", "p", 10);
    assertThat(history)
        .extracting(WatchEvent::type)
        .containsExactly(
            WatchEvent.Type.DELETED,
            WatchEvent.Type.MODIFIED,
            WatchEvent.Type.MODIFIED,
            WatchEvent.Type.ADDED);
    assertThat(history).allMatch(e -> e.resource().getMetadata().getName().equals("p"));
    assertThat(history).allMatch(e -> e.resource().getMetadata().getNamespace().equals("default"));
    assertThat(store.history(ResourceKind.PIPELINE, "default", "p", 2)).hasSize(2);
    assertThat(store.history(ResourceKind.JOB, "default", "p", 10)).isEmpty();
  }

  @Test
  void eventsOlderThanTheRetainedLogAreGone() {
    ResourceStore store = newStore(5);
    for (int i = 0; i < 10; i++) {
      store.create(pipeline("default", "p" + i, "x"));
    }
    assertThatThrownBy(() -> store.events(0, 100)).isInstanceOf(GoneException.class);
    assertThatThrownBy(() -> store.events(4, 100))
        .isInstanceOf(GoneException.class)
        .hasMessageContaining("4");
    assertThat(versions(store.events(5, 100))).containsExactly(6L, 7L, 8L, 9L, 10L);

    Watch watch = store.watch(2, event -> {});
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.failure().isPresent());
    assertThat(watch.failure()).get().isInstanceOf(GoneException.class);
    watch.close();
  }

  @Test
  void aWatchDeliversInOrderAndResumesWhereItLeftOff() {
    ResourceStore store = newStore();
    store.create(pipeline("default", "before", "x"));
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    Watch watch = store.watch(0, seen::add);

    Pipeline a = store.create(pipeline("default", "a", "x"));
    a.getSpec().steps.get(0).command = "y";
    store.update(a);
    store.delete(ResourceKind.PIPELINE, "default", "a", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
    assertThat(versions(seen)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(seen)
        .extracting(WatchEvent::type)
        .containsExactly(
            WatchEvent.Type.ADDED,
            WatchEvent.Type.ADDED,
            WatchEvent.Type.MODIFIED,
            WatchEvent.Type.DELETED);
    watch.close();
    assertThat(watch.failure()).isEmpty();

    store.create(pipeline("default", "after-close", "x"));
    List<WatchEvent> resumed = new CopyOnWriteArrayList<>();
    Watch again = store.watch(seen.get(seen.size() - 1).resourceVersion(), resumed::add);
    store.create(pipeline("default", "later", "x"));
    await().atMost(Duration.ofSeconds(5)).until(() -> resumed.size() == 2);
    assertThat(versions(resumed)).containsExactly(5L, 6L);
    assertThat(seen).hasSize(4);
    again.close();
  }

  @Test
  void aWatchSeesWritesOfAnotherStoreOnTheSameDatabase() {
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore watched = open(database.url(), 1000);
    ResourceStore writer = open(database.url(), 1000);
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    Watch watch = watched.watch(0, seen::add);

    writer.create(pipeline("default", "elsewhere", "x"));

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
    assertThat(watched.get(Pipeline.class, "default", "elsewhere")).isPresent();
    watch.close();
  }

  @Test
  void aReopenedStoreKeepsItsResourcesAndVersions() {
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore first = open(database.url(), 1000);
    Pipeline created = first.create(pipeline("default", "kept", "x"));
    first.close();

    ResourceStore second = open(database.url(), 1000);
    assertThat(second.getById(created.id())).isPresent();
    assertThat(second.resourceVersion()).isEqualTo(1);
    assertThat(second.create(pipeline("default", "next", "x")).getMetadata().getResourceVersion())
        .isEqualTo("2");
  }

  // ---------------------------------------------------------------- concurrency

  /**
   * Concurrent writes may share a transaction; one that fails (here: a name another writer took)
   * must neither take the others down nor land partly.
   */
  @Test
  void aFailingWriteAmongConcurrentOnesFailsAlone() throws Exception {
    ResourceStore store = newStore();
    long start = store.resourceVersion();
    int writers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Boolean>> claims = new ArrayList<>();
    try {
      for (int round = 0; round < 10; round++) {
        int r = round;
        for (int w = 0; w < writers; w++) {
          int writer = w;
          claims.add(
              pool.submit(
                  () -> {
                    store.create(pipeline("default", "own-" + r + "-" + writer, "x"));
                    try {
                      store.create(pipeline("default", "contested-" + r, "w" + writer));
                      return true;
                    } catch (AlreadyExistsException e) {
                      return false;
                    }
                  }));
        }
      }
      int won = 0;
      for (Future<Boolean> claim : claims) {
        won += claim.get() ? 1 : 0;
      }
      assertThat(won).as("one writer per round takes the contested name").isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.list(Pipeline.class, "default", Map.of())).hasSize(10 * writers + 10);
    // One event per write that landed, in increasing order; refused writes left none.
    List<Long> logged = versions(store.events(start, 10_000));
    assertThat(logged).hasSize(10 * writers + 10).isSorted().doesNotHaveDuplicates();
    assertThat(store.resourceVersion()).isEqualTo(logged.get(logged.size() - 1));
  }

  @Test
  void concurrentWritersNeverShareOrReorderVersions() throws Exception {
    ResourceStore store = newStore();
    store.create(pipeline("default", "shared", "0"));
    List<WatchEvent> watched = new CopyOnWriteArrayList<>();
    Watch watch = store.watch(0, watched::add);
    int writers = 4;
    int rounds = 25;

    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < rounds; round++) {
                    store.create(pipeline("default", "w" + writer + "-" + round, "x"));
                    incrementShared(store);
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    long expected = 1 + 2L * writers * rounds;
    assertThat(store.resourceVersion()).isEqualTo(expected);
    List<Long> logged = versions(store.events(0, 10_000));
    assertThat(logged).hasSize((int) expected);
    assertThat(logged).isSorted().doesNotHaveDuplicates();
    assertThat(logged.get(logged.size() - 1)).isEqualTo(expected);
    Pipeline shared = store.get(Pipeline.class, "default", "shared").orElseThrow();
    assertThat(shared.getSpec().steps.get(0).command)
        .as("no update was lost")
        .isEqualTo(Integer.toString(writers * rounds));
    await().atMost(Duration.ofSeconds(10)).until(() -> watched.size() == expected);
    assertThat(versions(watched)).isEqualTo(logged);
    watch.close();
  }

  @Test
  void aWatchSeesAnotherProcesssWritesPromptly() {
    // PostgreSQL wakes the watch by LISTEN/NOTIFY (its safety-net poll is 30 s); SQLite polls.
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore watching = open(database.url(), 10_000);
    ResourceStore writing = open(database.url(), 10_000);
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = watching.watch(watching.resourceVersion(), seen::add)) {
      writing.create(pipeline("default", "from-elsewhere", "make"));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(seen)
                      .extracting(e -> e.resource().getMetadata().getName())
                      .containsExactly("from-elsewhere"));
    }
  }

  @Test
  void oneLeaderAtATimeAndAnotherTakesOverWhenItLetsGo() {
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore first = open(database.url(), 10_000);
    ResourceStore second = open(database.url(), 10_000);
    try (LeaderLock a = first.leaderLock("controller");
        LeaderLock b = second.leaderLock("controller");
        LeaderLock other = second.leaderLock("another-role")) {
      assertThat(a.tryAcquire()).isTrue();
      assertThat(a.tryAcquire()).as("the leader stays leader").isTrue();
      assertThat(b.tryAcquire()).as("a second leader").isFalse();
      assertThat(other.tryAcquire()).as("locks of other names are independent").isTrue();

      a.close();

      assertThat(b.tryAcquire()).isTrue();
      assertThat(a.tryAcquire()).isFalse();
    }
  }

  @Test
  void twoStoresOnOneDatabaseShareOneVersionSequence() throws Exception {
    // Two store instances stand for two processes (a server and a CLI) on the same database.
    TestDatabase database = newDatabase();
    databases.add(database);
    List<ResourceStore> stores =
        List.of(open(database.url(), 10_000), open(database.url(), 10_000));
    stores.get(0).create(pipeline("default", "shared", "0"));
    int rounds = 20;

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        ResourceStore store = stores.get(w % 2);
        done.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < rounds; round++) {
                    store.create(pipeline("default", "w" + writer + "-" + round, "x"));
                    incrementShared(store);
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    long expected = 1 + 2L * 4 * rounds;
    for (ResourceStore store : stores) {
      assertThat(store.resourceVersion()).isEqualTo(expected);
      assertThat(versions(store.events(0, 10_000)))
          .isEqualTo(IntStream.rangeClosed(1, (int) expected).mapToObj(i -> (long) i).toList());
    }
    assertThat(stores.get(1).get(Pipeline.class, "default", "shared").orElseThrow().getSpec().steps)
        .extracting(step -> step.command)
        .containsExactly(Integer.toString(4 * rounds));
  }

  // ---------------------------------------------------------------- the runs list

  /** A run of {@code job} in {@code namespace}, on {@code ref}, with {@code branch} recorded. */
  protected static JobRun jobRun(
      String namespace, String name, String job, String ref, String branch) {
    JobRun run = new JobRun();
    run.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    JobRunSpec spec = new JobRunSpec();
    spec.jobName = job;
    spec.trigger = "webhook";
    spec.ref = ref;
    spec.branch = branch;
    run.setSpec(spec);
    return run;
  }

  /** Stores {@code phase} as the run's status phase (null: a status without one). */
  protected static JobRun withPhase(ResourceStore store, JobRun run, String phase) {
    JobRunStatus status = new JobRunStatus();
    status.phase = phase;
    run.setStatus(status);
    return store.updateStatus(run);
  }

  /**
   * What a runs query should answer, worked out here from the stored runs with the test's own
   * predicate and order (newest creationTimestamp first, then name descending).
   */
  protected static List<String> expectedRuns(ResourceStore store, Predicate<JobRun> wanted) {
    return store.list(JobRun.class, null, Map.of()).stream()
        .filter(wanted)
        .sorted(
            Comparator.comparing((JobRun r) -> r.getMetadata().getCreationTimestamp())
                .thenComparing(r -> r.getMetadata().getName())
                .reversed())
        .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .toList();
  }

  private static String branchOf(JobRun r) {
    if (r.getSpec().branch != null) {
      return r.getSpec().branch;
    }
    String ref = r.getSpec().ref;
    if (ref == null || (ref.startsWith("refs/") && !ref.startsWith("refs/heads/"))) {
      return null;
    }
    return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
  }

  private static String phaseOf(JobRun r) {
    return r.getStatus() == null || r.getStatus().phase == null ? "Pending" : r.getStatus().phase;
  }

  /** Runs of two Jobs in several phases and branches, in namespaces "default" and "other". */
  private static void storeVariedRuns(ResourceStore store) {
    store.create(jobRun(null, "a-pending", "build", "refs/heads/main", null));
    withPhase(
        store, store.create(jobRun(null, "b-nophase", "build", "refs/heads/main", null)), null);
    withPhase(
        store,
        store.create(jobRun(null, "c-pending", "build", "refs/heads/feature/x", null)),
        "Pending");
    withPhase(store, store.create(jobRun(null, "d-running", "test", "main", null)), "Running");
    withPhase(
        store, store.create(jobRun(null, "e-failed", "test", "refs/tags/v1", "release")), "Failed");
    withPhase(
        store, store.create(jobRun(null, "f-tag", "build", "refs/tags/v2", null)), "Succeeded");
    withPhase(
        store,
        store.create(jobRun("other", "g-cancelled", "build", "refs/heads/main", null)),
        "Cancelled");
    withPhase(
        store,
        store.create(jobRun("other", "h-timedout", "test", "refs/heads/feature/x", null)),
        "TimedOut");
    // A pipeline is no run, whatever its name.
    store.create(pipeline(null, "z-pipeline", "make"));
  }

  @Test
  void theRunsListIsNewestFirstAndPagesWithItsTotal() {
    ResourceStore store = newStore();
    for (int i = 0; i < 7; i++) {
      store.create(jobRun(null, "run-" + i, "build", "refs/heads/main", null));
    }
    List<String> all = expectedRuns(store, r -> true);
    assertThat(all).hasSize(7);

    RunPage first = store.runs(RunQuery.newest(0, 3));
    RunPage second = store.runs(RunQuery.newest(3, 3));
    RunPage last = store.runs(RunQuery.newest(6, 3));
    RunPage beyond = store.runs(RunQuery.newest(50, 3));

    assertThat(names(first.runs())).isEqualTo(all.subList(0, 3));
    assertThat(names(second.runs())).isEqualTo(all.subList(3, 6));
    assertThat(names(last.runs())).isEqualTo(all.subList(6, 7));
    assertThat(beyond.runs()).isEmpty();
    assertThat(List.of(first.total(), second.total(), last.total(), beyond.total()))
        .containsOnly(7);
    assertThat(store.runs(RunQuery.newest(0, RunQuery.MAX_LIMIT)).runs())
        .as("whole objects, as get returns them")
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(
            all.stream()
                .map(n -> store.get(JobRun.class, "default", n.substring(8)).orElseThrow())
                .toList());
  }

  /**
   * Runs created a minute apart: the newer first, whatever their names; runs of one second by name,
   * descending. (Kubernetes stamps creationTimestamp itself: its test says what holds there.)
   */
  @Test
  void newerRunsComeFirstAndRunsOfOneSecondByNameDescending() {
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore early = open(database.url(), SqlResourceStore.DEFAULT_EVENT_RETENTION);
    ResourceStore late =
        StoreFactory.open(database.url(), Clock.offset(CLOCK, Duration.ofMinutes(1)));
    try {
      early.create(jobRun(null, "m-early", "build", "main", null));
      early.create(jobRun(null, "z-early", "build", "main", null));
      late.create(jobRun(null, "a-late", "build", "main", null));
      early.create(jobRun(null, "b-early", "build", "main", null));

      assertThat(names(early.runs(RunQuery.newest(0, 10)).runs()))
          .containsExactly(
              "default/a-late", "default/z-early", "default/m-early", "default/b-early");
    } finally {
      late.close();
    }
  }

  @Test
  void theRunsListFiltersByJobPhaseAndBranch() {
    ResourceStore store = newStore();
    storeVariedRuns(store);
    RunQuery all = RunQuery.newest(0, 100);

    assertThat(names(store.runs(all).runs())).isEqualTo(expectedRuns(store, r -> true)).hasSize(8);
    assertThat(names(store.runs(all.withJob("test")).runs()))
        .isEqualTo(expectedRuns(store, r -> r.getSpec().jobName.equals("test")))
        .containsExactlyInAnyOrder("default/d-running", "default/e-failed", "other/h-timedout");
    assertThat(names(store.runs(all.withPhases(Set.of(JobRunPhase.PENDING))).runs()))
        .as("no status, a status without a phase, and Pending are all Pending")
        .isEqualTo(expectedRuns(store, r -> phaseOf(r).equals("Pending")))
        .containsExactlyInAnyOrder("default/a-pending", "default/b-nophase", "default/c-pending");
    Set<JobRunPhase> failedOrCancelled = Set.of(JobRunPhase.FAILED, JobRunPhase.CANCELLED);
    assertThat(names(store.runs(all.withPhases(failedOrCancelled)).runs()))
        .isEqualTo(expectedRuns(store, r -> Set.of("Failed", "Cancelled").contains(phaseOf(r))))
        .containsExactlyInAnyOrder("default/e-failed", "other/g-cancelled");
    assertThat(names(store.runs(all.withBranch("feature/x")).runs()))
        .as("the branch of the ref when none was recorded")
        .isEqualTo(expectedRuns(store, r -> "feature/x".equals(branchOf(r))))
        .containsExactlyInAnyOrder("default/c-pending", "other/h-timedout");
    assertThat(names(store.runs(all.withBranch("release")).runs()))
        .as("the recorded branch wins over the ref")
        .containsExactly("default/e-failed");
    assertThat(names(store.runs(all.withBranch("main")).runs()))
        .as("a bare ref names a branch")
        .isEqualTo(expectedRuns(store, r -> "main".equals(branchOf(r))))
        .contains("default/d-running");
    RunPage combined =
        store.runs(
            new RunQuery(
                "", "build", Set.of(JobRunPhase.PENDING, JobRunPhase.CANCELLED), "main", 0, 2));
    assertThat(combined.total()).isEqualTo(3);
    assertThat(names(combined.runs()))
        .isEqualTo(
            expectedRuns(
                    store,
                    r ->
                        r.getSpec().jobName.equals("build")
                            && Set.of("Pending", "Cancelled").contains(phaseOf(r))
                            && "main".equals(branchOf(r)))
                .subList(0, 2));
  }

  @Test
  void aRunsPhaseAndDeletionMoveItInTheList() {
    ResourceStore store = newStore();
    JobRun run = store.create(jobRun(null, "moving", "build", "main", null));
    RunQuery running = RunQuery.newest(0, 10).withPhases(Set.of(JobRunPhase.RUNNING));
    assertThat(store.runs(running).total()).isZero();

    run = withPhase(store, run, "Running");
    assertThat(names(store.runs(running).runs())).containsExactly("default/moving");

    run.getSpec().jobName = "renamed";
    store.update(run);
    assertThat(store.runs(running.withJob("renamed")).total()).isEqualTo(1);
    assertThat(store.runs(running.withJob("build")).total()).isZero();

    store.delete(ResourceKind.JOB_RUN, "default", "moving", null);
    assertThat(store.runs(RunQuery.newest(0, 10))).isEqualTo(new RunPage(List.of(), 0));
  }

  @Test
  void aRunAWebhookDeliveryStartedIsListed() {
    ResourceStore store = newStore();
    createHook(store);
    store
        .triggers()
        .recordDelivery(
            Delivery.triggered("default", "hook", "push", "guid-1"), Optional.of(run("delivered")));

    RunPage page = store.runs(RunQuery.newest(0, 10).withJob("build").withBranch("main"));

    assertThat(names(page.runs())).containsExactly("default/delivered");
    assertThat(page.total()).isEqualTo(1);
  }

  /**
   * A tenant's view asks for the namespaces under its prefix: another prefix's runs never appear,
   * not even one whose prefix only starts the same ({@code t1-} is not {@code t10-}).
   */
  @Test
  void theRunsListShowsOnlyNamespacesUnderTheGivenPrefix() {
    ResourceStore store = newStore();
    for (String ns : List.of("t1-default", "t1-team", "t10-default", "t2-default", "default")) {
      store.create(jobRun(ns, "run-" + ns, "build", "main", null));
      withPhase(store, store.create(jobRun(ns, "failed-" + ns, "build", "main", null)), "Failed");
    }

    RunQuery mine = RunQuery.newest(0, 100).withNamespacePrefix("t1-");
    RunPage page = store.runs(mine);
    RunPage failed = store.runs(mine.withPhases(Set.of(JobRunPhase.FAILED)));
    RunPage firstOfMine = store.runs(RunQuery.newest(0, 1).withNamespacePrefix("t1-"));

    assertThat(names(page.runs()))
        .isEqualTo(expectedRuns(store, r -> r.getMetadata().getNamespace().startsWith("t1-")))
        .containsExactlyInAnyOrder(
            "t1-default/run-t1-default",
            "t1-default/failed-t1-default",
            "t1-team/run-t1-team",
            "t1-team/failed-t1-team");
    assertThat(page.total()).isEqualTo(4);
    assertThat(names(failed.runs()))
        .containsExactlyInAnyOrder("t1-default/failed-t1-default", "t1-team/failed-t1-team");
    assertThat(firstOfMine.total()).as("counted under the prefix only").isEqualTo(4);
    assertThat(store.runs(RunQuery.newest(0, 100).withNamespacePrefix("t3-")))
        .isEqualTo(new RunPage(List.of(), 0));
    assertThat(store.runs(RunQuery.newest(0, 100)).total()).as("the admin's view").isEqualTo(10);
  }

  /**
   * Runs stored before the runs list had columns of its own: the migration fills them in, so the
   * list and its filters see the old runs too. (A SQL store's case: the database is set back to the
   * schema before the columns.)
   */
  @Test
  void runsStoredBeforeTheRunColumnsExistedAreListedOnceMigrated() throws Exception {
    TestDatabase database = newDatabase();
    databases.add(database);
    ResourceStore old = open(database.url(), SqlResourceStore.DEFAULT_EVENT_RETENTION);
    old.create(jobRun(null, "old-1", "build", "refs/heads/main", null));
    withPhase(old, old.create(jobRun(null, "old-2", "test", "refs/heads/dev", null)), "Failed");
    old.create(pipeline(null, "not-a-run", "make"));
    old.close();
    String jdbc = database.url().startsWith("jdbc:") ? database.url() : "jdbc:" + database.url();
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbc);
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute("DROP INDEX resources_runs_newest");
      for (String column : List.of("run_created", "run_job", "run_phase", "run_branch")) {
        statement.execute("ALTER TABLE resources DROP COLUMN " + column);
      }
      statement.execute(
          "DELETE FROM schema_version WHERE version = " + SchemaMigrations.RUN_COLUMNS);
    }

    ResourceStore migrated = open(database.url(), SqlResourceStore.DEFAULT_EVENT_RETENTION);

    RunQuery all = RunQuery.newest(0, 10);
    assertThat(names(migrated.runs(all).runs())).containsExactly("default/old-2", "default/old-1");
    assertThat(
            names(
                migrated.runs(all.withPhases(Set.of(JobRunPhase.FAILED)).withBranch("dev")).runs()))
        .containsExactly("default/old-2");
    assertThat(migrated.runs(all.withPhases(Set.of(JobRunPhase.PENDING)).withJob("build")).total())
        .isEqualTo(1);
  }

  /** Filters are values, never patterns: SQL wildcards and quotes match only themselves. */
  @Test
  void runFiltersMatchLiterallyAndUnknownValuesMatchNothing() {
    ResourceStore store = newStore();
    store.create(jobRun("t1-default", "r1", "build", "main", null));
    store.create(jobRun("t1-default", "r2", "b%", "ma_n", null));
    RunQuery all = RunQuery.newest(0, 10);

    assertThat(store.runs(all.withNamespacePrefix("t_-")).total()).isZero();
    assertThat(store.runs(all.withNamespacePrefix("%")).total()).isZero();
    assertThat(store.runs(all.withNamespacePrefix("T1-")).total()).as("case matters").isZero();
    assertThat(names(store.runs(all.withJob("b%")).runs())).containsExactly("t1-default/r2");
    assertThat(names(store.runs(all.withBranch("ma_n")).runs())).containsExactly("t1-default/r2");
    assertThat(store.runs(all.withJob("nope")).total()).isZero();
    assertThat(store.runs(all.withJob("build' OR '1'='1")).total()).isZero();
    assertThat(store.runs(all.withBranch("refs/heads/main")).total())
        .as("a branch, not a ref")
        .isZero();
    assertThat(store.runs(all.withPhases(Set.of(JobRunPhase.TIMED_OUT))).total()).isZero();
    assertThatThrownBy(() -> all.withJob(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job: blank");
  }

  /** Read-modify-write with retry on conflict, the way every controller writes. */
  private static void incrementShared(ResourceStore store) {
    while (true) {
      Pipeline shared = store.get(Pipeline.class, "default", "shared").orElseThrow();
      PipelineSpec.Step step = shared.getSpec().steps.get(0);
      step.command = Integer.toString(Integer.parseInt(step.command) + 1);
      try {
        store.update(shared);
        return;
      } catch (ConflictException e) {
        // Someone else won; read again.
      }
    }
  }
}
