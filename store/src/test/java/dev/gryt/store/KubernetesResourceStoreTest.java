package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.PipelineStatus;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookSpec;
import dev.gryt.store.TestDatabases.TestDatabase;
import dev.gryt.store.k8s.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on Kubernetes (fabric8's mock API server in CRUD mode, with the generated
 * CRDs), the other tables on SQLite. Stores are opened through {@link StoreFactory} with a {@code
 * kubernetes:} URL, the client finding the mock server as it would find a cluster.
 *
 * <p>The overridden cases are those whose numbers cannot hold: versions are the cluster's, which
 * had counted to 5 (the CRDs) before the store opened, and the event log starts when the store
 * opens, so {@code events(0)} is gone. Each override checks the same behaviour counted from the
 * version the empty store starts at ({@code base}). Two more say what Kubernetes changes: the API
 * server stamps creationTimestamp, and two processes each number the events they saw.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesResourceStoreTest extends ResourceStoreContract {
  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path directory;

  private final List<ResourceStore> stores = new ArrayList<>();
  private final List<TestDatabase> sqlDatabases = new ArrayList<>();

  @BeforeEach
  void clusterWithTheCrds() {
    MockCluster.installCrds(client);
    MockCluster.pointClientsAt(client);
  }

  @AfterEach
  void closeStores() {
    stores.forEach(ResourceStore::close);
    sqlDatabases.forEach(TestDatabase::close);
  }

  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.sqlite(directory);
  }

  @Override
  protected ResourceStore open(String sqlUrl, long eventRetention) {
    ResourceStore store =
        StoreFactory.open("kubernetes:?eventRetention=" + eventRetention + "&sql=" + sqlUrl, CLOCK);
    stores.add(store);
    return store;
  }

  private String sharedDatabase() {
    TestDatabase database = newDatabase();
    sqlDatabases.add(database);
    return database.url();
  }

  private static List<Long> versions(List<WatchEvent> events) {
    return events.stream().map(WatchEvent::resourceVersion).toList();
  }

  private static List<Long> range(long base, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> base + i).toList();
  }

  private static String v(long base, int n) {
    return Long.toString(base + n);
  }

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

  // ---------------------------------------------------------------- secrets at rest

  @Test
  void secretsAreSealedInTheCustomResourcesAndOpenedForReaders() {
    ResourceStore store = newStore();
    Webhook hook = new Webhook();
    hook.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("hook").build());
    hook.setSpec(new WebhookSpec());
    hook.getSpec().jobName = "build";
    hook.getSpec().secret = "hook-secret-k8s-2b7e";
    hook = store.create(hook);
    GitHubRepo repo = new GitHubRepo();
    repo.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("app").build());
    repo.setSpec(new dev.gryt.crds.GitHubRepoSpec());
    repo.getSpec().gitUrl = "https://github.com/acme/app.git";
    repo.getSpec().accessToken = "ghp_k8sToken9c1d";
    store.create(repo);
    assertThat(hook.getSpec().secret).isEqualTo("hook-secret-k8s-2b7e");
    // Written back unchanged, the spec is unchanged.
    assertThat(store.update(hook).getMetadata().getGeneration()).isEqualTo(1L);

    Webhook stored = client.resources(Webhook.class).inNamespace("default").withName("hook").get();
    assertThat(stored.getSpec().secret)
        .startsWith(SecretSealer.PREFIX)
        .doesNotContain("hook-secret-k8s-2b7e");
    GitHubRepo storedRepo =
        client.resources(GitHubRepo.class).inNamespace("default").withName("app").get();
    assertThat(storedRepo.getSpec().accessToken)
        .startsWith(SecretSealer.PREFIX)
        .doesNotContain("ghp_k8sToken9c1d");

    assertThat(store.get(Webhook.class, "default", "hook").orElseThrow().getSpec().secret)
        .isEqualTo("hook-secret-k8s-2b7e");
    assertThat(store.list(GitHubRepo.class, null, Map.of()).get(0).getSpec().accessToken)
        .isEqualTo("ghp_k8sToken9c1d");
    assertThat(store.history(ResourceKind.WEBHOOK, "default", "hook", 10))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(((Webhook) e.resource()).getSpec().secret)
                    .isEqualTo("hook-secret-k8s-2b7e"));
  }

  // ---------------------------------------------------------------- what Kubernetes adds

  @Test
  void theEmptyStoreStartsAtTheClustersVersionAndOlderEventsAreGone() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    assertThat(base).as("the five CRDs took versions 1 to 5").isEqualTo(5);
    assertThatThrownBy(() -> store.events(0, 10))
        .isInstanceOf(GoneException.class)
        .hasMessageContaining("list again");
    assertThat(store.events(base, 10)).isEmpty();
  }

  @Test
  void changesMadeByOthersInTheClusterAreEventsToo() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    Watch watch = store.watch(base, seen::add);

    // As kubectl or the operator would: straight to the API server, not through the store.
    Pipeline byKubectl = pipeline("default", "by-kubectl", "make");
    client.resource(byKubectl).create();
    client.resources(Pipeline.class).inNamespace("default").withName("by-kubectl").delete();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(seen)
                    .extracting(WatchEvent::type)
                    .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.DELETED));
    assertThat(versions(seen)).isSorted().doesNotHaveDuplicates();
    assertThat(store.history(ResourceKind.PIPELINE, "default", "by-kubectl", 10)).hasSize(2);
    watch.close();
  }

  @Test
  void aWebhookDeletedWithKubectlTakesItsKeyAlong() {
    ResourceStore store = newStore();
    store.create(webhook("hook"));
    WebhookKey key = store.triggers().webhookKey("default", "hook");

    client.resources(dev.gryt.crds.Webhook.class).inNamespace("default").withName("hook").delete();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(store.triggers().findWebhookKey(key.key())).isEmpty());
  }

  @Test
  void aResourceInANamespaceTheStoreDoesNotServeIsRefused() {
    ResourceStore store =
        StoreFactory.open("kubernetes:team-a,team-b?sql=" + sharedDatabase(), CLOCK);
    stores.add(store);
    long base = store.resourceVersion();
    store.create(pipeline("team-b", "mine", "x"));
    store.create(pipeline("team-a", "mine", "x"));
    client.resource(pipeline("elsewhere", "not-mine", "x")).create();
    client.resource(pipeline("team-a", "by-kubectl", "x")).create();

    assertThatThrownBy(() -> store.create(pipeline(null, "elsewhere", "x")))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("namespace default is not served here")
        .hasMessageContaining("team-a, team-b");
    assertThatThrownBy(() -> store.list(Pipeline.class, "elsewhere", Map.of()))
        .isInstanceOf(RejectedException.class);
    assertThat(store.list(Pipeline.class, null, Map.of()))
        .extracting(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
        .containsExactly("team-a/by-kubectl", "team-a/mine", "team-b/mine");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(store.events(base, 10))
                    .as("the watches cover the served namespaces only")
                    .extracting(e -> e.resource().getMetadata().getName())
                    .containsExactly("mine", "mine", "by-kubectl"));
  }

  @Test
  void aResourceWithoutANameIsARejection() {
    ResourceStore store = newStore();
    // The mock server checks no schema and no name rules (a real API server answers those with
    // 422, which the store turns into the same RejectedException); what the store refuses itself:
    Pipeline nameless = pipeline("default", null, "x");
    assertThatThrownBy(() -> store.create(nameless))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("metadata.name");
    assertThat(store.list(Pipeline.class, null, Map.of())).isEmpty();
  }

  @Test
  void aResourceTheApiServerRefusesIsARejectionWithItsReason() {
    ResourceStore store = newStore();
    // What a real API server answers for a name its rules refuse (the mock checks no names).
    server
        .expect()
        .post()
        .withPath("/apis/gryt.io/v1/namespaces/default/pipelines")
        .andReturn(
            422,
            new StatusBuilder()
                .withCode(422)
                .withReason("Invalid")
                .withMessage(
                    "Pipeline.gryt.io \"Bad_Name\" is invalid: metadata.name: Invalid value:"
                        + " \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of ...")
                .build())
        .once();

    assertThatThrownBy(() -> store.create(pipeline("default", "Bad_Name", "x")))
        .isInstanceOf(RejectedException.class)
        .hasMessageStartingWith("Kubernetes refused to create Pipeline default/Bad_Name: ")
        .hasMessageContaining("metadata.name: Invalid value")
        .message()
        .doesNotContain("\n");
    assertThat(store.list(Pipeline.class, null, Map.of())).isEmpty();
    assertThat(store.events(store.resourceVersion(), 10)).isEmpty();
  }

  @Test
  void aFailedCommitUndoesTheWritesItHadMade() {
    ResourceStore store = newStore();
    Pipeline kept = store.create(pipeline("default", "kept", "x"));
    store.create(pipeline("default", "doomed", "x"));
    long base = store.resourceVersion();
    // Someone else writes between the commit's check and its write: the race the precheck
    // cannot see. Simulated by an update whose version goes stale once the commit's own create
    // of the same object ran: a create, then an update of a name created by that create with a
    // wrong version.
    Pipeline staleUpdate = pipeline("default", "fresh", "make all");
    staleUpdate.getMetadata().setResourceVersion("1");
    assertThatThrownBy(
            () ->
                store.commit(
                    List.of(
                        new Mutation.Delete(ResourceKind.PIPELINE, "default", "doomed", null),
                        new Mutation.Create(pipeline("default", "fresh", "make")),
                        new Mutation.Update(staleUpdate))))
        .isInstanceOf(ConflictException.class);

    assertThat(store.get(Pipeline.class, "default", "fresh")).as("create undone").isEmpty();
    Pipeline back = store.get(Pipeline.class, "default", "doomed").orElseThrow();
    assertThat(back.getSpec().steps.get(0).command).as("delete undone").isEqualTo("x");
    assertThat(store.get(Pipeline.class, "default", "kept").orElseThrow())
        .usingRecursiveComparison()
        .isEqualTo(kept);
    assertThat(store.resourceVersion())
        .as("the undoing writes are changes of their own")
        .isGreaterThan(base);
  }

  // ---------------------------------------------------------------- the contract, counted from
  // base

  @Test
  @Override
  void createFillsTheServerSideFields() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    Pipeline given = pipeline(null, "build", "make");
    given.setStatus(readyStatus(7));

    Pipeline created = store.create(given);

    assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(created.getMetadata().getUid()).matches("[0-9a-f-]{36}");
    assertThat(created.getMetadata().getResourceVersion()).isEqualTo(v(base, 1));
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    // Stamped by the API server's clock, not the store's: Kubernetes ignores a given one.
    assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();
    assertThat(created.id()).matches("pipe-[0-9a-f]{12}");
    assertThat(created.getStatus()).as("create ignores status").isNull();
    assertThat(given.getMetadata().getResourceVersion()).as("input untouched").isNull();
    assertThat(store.get(Pipeline.class, "default", "build"))
        .get()
        .usingRecursiveComparison()
        .isEqualTo(created);
    assertThat(store.resourceVersion()).isEqualTo(base + 1);
  }

  /**
   * The API server stamps creationTimestamp (to the second, from its own clock): the list follows
   * its stamps, then names descending, and a run the cluster got later is never listed after an
   * earlier one.
   */
  @Test
  @Override
  void newerRunsComeFirstAndRunsOfOneSecondByNameDescending() {
    ResourceStore store = newStore();
    for (String name : List.of("m-early", "z-early", "a-late", "b-early")) {
      store.create(jobRun(null, name, "build", "main", null));
    }

    List<String> listed =
        store.runs(RunQuery.newest(0, 10)).runs().stream()
            .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
            .toList();

    assertThat(listed).isEqualTo(expectedRuns(store, r -> true)).hasSize(4);
  }

  @Test
  @Override
  @org.junit.jupiter.api.Disabled("runs are custom resources here: the migration of SQL columns")
  void runsStoredBeforeTheRunColumnsExistedAreListedOnceMigrated() {}

  @Test
  @Override
  void createOfAnExistingNameFails() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    store.create(pipeline("default", "build", "make"));

    assertThatThrownBy(() -> store.create(pipeline(null, "build", "other")))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("Pipeline default/build");
    store.create(pipeline("team-a", "build", "make"));
    assertThat(store.resourceVersion()).isEqualTo(base + 2);
  }

  @Test
  @Override
  void updateWithAStaleResourceVersionConflicts() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    Pipeline created = store.create(pipeline("default", "build", "make"));
    Pipeline first = store.get(Pipeline.class, "default", "build").orElseThrow();
    first.getSpec().steps.get(0).command = "make all";
    store.update(first);

    Pipeline stale = created;
    stale.getSpec().steps.get(0).command = "make test";
    assertThatThrownBy(() -> store.update(stale))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Pipeline default/build")
        .hasMessageContaining(v(base, 1) + " given")
        .hasMessageContaining(v(base, 2) + " stored");
    assertThat(store.get(Pipeline.class, "default", "build").orElseThrow().getSpec().steps)
        .extracting(step -> step.command)
        .containsExactly("make all");
    assertThatThrownBy(() -> store.update(pipeline("default", "build", "make test")))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.update(pipeline("default", "missing", "x")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Pipeline default/missing");
  }

  @Test
  @Override
  void generationMovesOnlyWhenTheSpecChanges() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    Pipeline created = store.create(pipeline("default", "build", "make", Map.of("a", "1")));
    Pipeline withStatus = store.get(Pipeline.class, "default", "build").orElseThrow();
    withStatus.setStatus(readyStatus(1));
    withStatus = store.updateStatus(withStatus);

    Pipeline relabelled = pipeline("default", "build", "make", Map.of("b", "2"));
    relabelled.getMetadata().setResourceVersion(withStatus.getMetadata().getResourceVersion());
    relabelled.getMetadata().setAnnotations(Map.of("note", "hi"));
    relabelled = store.update(relabelled);
    assertThat(relabelled.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(relabelled.getMetadata().getResourceVersion()).isEqualTo(v(base, 3));
    assertThat(relabelled.getMetadata().getLabels())
        .containsEntry("b", "2")
        .doesNotContainKey("a")
        .containsEntry(GrytResource.ID_LABEL, created.id());
    assertThat(relabelled.getMetadata().getAnnotations()).containsEntry("note", "hi");
    assertThat(relabelled.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
    assertThat(relabelled.getMetadata().getCreationTimestamp())
        .isEqualTo(created.getMetadata().getCreationTimestamp());
    assertThat(relabelled.getStatus().observedGeneration).as("update keeps status").isEqualTo(1L);

    Pipeline respecced = pipeline("default", "build", "make all");
    respecced.getMetadata().setResourceVersion(v(base, 3));
    respecced = store.update(respecced);
    assertThat(respecced.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(respecced.id()).isEqualTo(created.id());
    assertThat(respecced.getMetadata().getAnnotations()).isNullOrEmpty();

    // The same spec again: Kubernetes treats an update that changes nothing as no write at all,
    // so not even the resourceVersion moves, and no event is logged.
    Pipeline same = store.update(store.get(Pipeline.class, "default", "build").orElseThrow());
    assertThat(same.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(same.getMetadata().getResourceVersion()).isEqualTo(v(base, 4));
    assertThat(store.resourceVersion()).isEqualTo(base + 4);
  }

  @Test
  @Override
  void updateStatusReplacesOnlyStatusAndNeverMovesGeneration() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    Pipeline created = store.create(pipeline("default", "build", "make", Map.of("a", "1")));
    Pipeline changed = store.get(Pipeline.class, "default", "build").orElseThrow();
    changed.getSpec().steps.get(0).command = "ignored by a status write";
    changed.getMetadata().setLabels(Map.of("ignored", "too"));
    changed.setStatus(readyStatus(1));

    Pipeline written = store.updateStatus(changed);

    assertThat(written.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(written.getMetadata().getResourceVersion()).isEqualTo(v(base, 2));
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

  @Test
  @Override
  void deleteChecksTheVersionWhenGiven() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    store.create(pipeline("default", "a", "x"));
    store.create(pipeline("default", "b", "x"));

    assertThatThrownBy(() -> store.delete(ResourceKind.PIPELINE, "default", "a", "7"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Pipeline default/a");
    store.delete(ResourceKind.PIPELINE, "default", "a", v(base, 1));
    store.delete(ResourceKind.PIPELINE, null, "b", null);

    assertThat(store.list(Pipeline.class, null, Map.of())).isEmpty();
    assertThatThrownBy(() -> store.delete(ResourceKind.PIPELINE, "default", "a", null))
        .isInstanceOf(NotFoundException.class);
    List<WatchEvent> events = store.events(base, 100);
    assertThat(events).extracting(WatchEvent::type).endsWith(WatchEvent.Type.DELETED);
    assertThat(events.get(3).resource().getMetadata().getName()).isEqualTo("b");
    assertThat(events.get(3).resource().getMetadata().getResourceVersion())
        .as("a delete's event carries the last stored object")
        .isEqualTo(v(base, 2));
  }

  @Test
  @Override
  void commitAppliesMutationsInOrderAndReturnsEachResult() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    Pipeline doomed = store.create(pipeline("default", "doomed", "x"));

    Pipeline update = pipeline("default", "fresh", "make all");
    update.getMetadata().setResourceVersion(v(base, 2)); // the version the create below gets
    List<GrytResource<?, ?>> results =
        store.commit(
            List.of(
                new Mutation.Create(pipeline("default", "fresh", "make")),
                new Mutation.Update(update),
                new Mutation.Delete(ResourceKind.PIPELINE, "default", "doomed", v(base, 1))));

    assertThat(results).hasSize(3);
    assertThat(results.get(0).getMetadata().getResourceVersion()).isEqualTo(v(base, 2));
    assertThat(results.get(1).getMetadata().getResourceVersion()).isEqualTo(v(base, 3));
    assertThat(results.get(1).getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(results.get(2)).isNull();
    assertThat(store.list(Pipeline.class, null, Map.of()))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("fresh");
    assertThat(store.getById(doomed.id())).isEmpty();
    assertThat(versions(store.events(base, 100))).isEqualTo(range(base, 1, 4));
  }

  @Test
  @Override
  void aCommitWithAFailingMutationLeavesTheStoreExactlyUnchanged() {
    // Holds because the commit checks names and versions before its first write; a failure that
    // only the write finds is undone by compensating writes
    // (aFailedCommitUndoesTheWritesItHadMade).
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    Pipeline a = store.create(pipeline("default", "a", "x"));
    store.create(pipeline("default", "b", "x"));
    Pipeline b = store.get(Pipeline.class, "default", "b").orElseThrow();
    b.getSpec().steps.get(0).command = "y";
    store.update(b);
    long versionBefore = store.resourceVersion();
    List<WatchEvent> eventsBefore = store.events(base, 100);
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
    assertThat(store.events(base, 100))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(eventsBefore);
    assertThat(store.list(Pipeline.class, null, Map.of()))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(listBefore);
    assertThat(store.getById(a.id())).isPresent();
    assertThat(store.create(pipeline("default", "c", "x")).getMetadata().getResourceVersion())
        .isEqualTo(Long.toString(versionBefore + 1));
  }

  @Test
  @Override
  void aThousandResourcesInOneCommit() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
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

    assertThat(store.resourceVersion()).isEqualTo(base + 2000);
    assertThat(store.list(Pipeline.class, "default", Map.of()))
        .allSatisfy(p -> assertThat(p.getMetadata().getGeneration()).isEqualTo(2L));
    assertThat(store.events(base, 5000)).hasSize(2000);
  }

  @Test
  @Override
  void resourceVersionsStrictlyIncreaseAndEventsResumeFromAnyVersion() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    assertThat(store.events(base, 10)).isEmpty();
    for (int i = 0; i < 10; i++) {
      store.create(pipeline("default", "p" + i, "x"));
    }
    List<WatchEvent> all = store.events(base, 100);
    assertThat(versions(all)).isEqualTo(range(base, 1, 10));
    assertThat(all).allSatisfy(e -> assertThat(e.type()).isEqualTo(WatchEvent.Type.ADDED));
    assertThat(versions(store.events(base + 6, 100))).isEqualTo(range(base, 7, 10));
    assertThat(versions(store.events(base + 6, 2))).isEqualTo(range(base, 7, 8));
    assertThat(store.events(base + 10, 100)).isEmpty();
    assertThat(all.get(4).resource().getMetadata().getName()).isEqualTo("p4");
  }

  @Test
  @Override
  void eventsOlderThanTheRetainedLogAreGone() {
    ResourceStore store = newStore(5);
    long base = store.resourceVersion();
    for (int i = 0; i < 10; i++) {
      store.create(pipeline("default", "p" + i, "x"));
    }
    assertThatThrownBy(() -> store.events(base, 100)).isInstanceOf(GoneException.class);
    assertThatThrownBy(() -> store.events(base + 4, 100))
        .isInstanceOf(GoneException.class)
        .hasMessageContaining(Long.toString(base + 4));
    assertThat(versions(store.events(base + 5, 100))).isEqualTo(range(base, 6, 10));

    Watch watch = store.watch(base + 2, event -> {});
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.failure().isPresent());
    assertThat(watch.failure()).get().isInstanceOf(GoneException.class);
    watch.close();
  }

  @Test
  @Override
  void aWatchDeliversInOrderAndResumesWhereItLeftOff() {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    store.create(pipeline("default", "before", "x"));
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    Watch watch = store.watch(base, seen::add);

    Pipeline a = store.create(pipeline("default", "a", "x"));
    a.getSpec().steps.get(0).command = "y";
    store.update(a);
    store.delete(ResourceKind.PIPELINE, "default", "a", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
    assertThat(versions(seen)).isEqualTo(range(base, 1, 4));
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
    assertThat(versions(resumed)).isEqualTo(range(base, 5, 6));
    assertThat(seen).hasSize(4);
    again.close();
  }

  @Test
  @Override
  void aWatchSeesWritesOfAnotherStoreOnTheSameDatabase() {
    String database = sharedDatabase();
    ResourceStore watched = open(database, 1000);
    ResourceStore writer = open(database, 1000);
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    Watch watch = watched.watch(watched.resourceVersion(), seen::add);

    writer.create(pipeline("default", "elsewhere", "x"));

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
    assertThat(watched.get(Pipeline.class, "default", "elsewhere")).isPresent();
    watch.close();
  }

  @Test
  @Override
  void aReopenedStoreKeepsItsResourcesAndVersions() {
    String database = sharedDatabase();
    ResourceStore first = open(database, 1000);
    long base = first.resourceVersion();
    Pipeline created = first.create(pipeline("default", "kept", "x"));
    first.close();

    ResourceStore second = open(database, 1000);
    assertThat(second.getById(created.id())).isPresent();
    assertThat(second.resourceVersion()).isEqualTo(base + 1);
    assertThat(second.create(pipeline("default", "next", "x")).getMetadata().getResourceVersion())
        .isEqualTo(v(base, 2));
  }

  @Test
  @Override
  void concurrentWritersNeverShareOrReorderVersions() throws Exception {
    ResourceStore store = newStore();
    long base = store.resourceVersion();
    store.create(pipeline("default", "shared", "0"));
    List<WatchEvent> watched = new CopyOnWriteArrayList<>();
    Watch watch = store.watch(base, watched::add);
    int writers = 4;
    int rounds = 25;
    runWriters(List.of(store), writers, rounds);

    // The mock server, like etcd, spends a version on some refused writes (the conflicts here),
    // so the versions are increasing but not consecutive: every write is logged, once, in order.
    long expected = 1 + 2L * writers * rounds;
    List<Long> logged = versions(store.events(base, 10_000));
    assertThat(logged).hasSize((int) expected).isSorted().doesNotHaveDuplicates();
    assertThat(store.resourceVersion())
        .isEqualTo(logged.get(logged.size() - 1))
        .isGreaterThanOrEqualTo(base + expected);
    assertThat(store.get(Pipeline.class, "default", "shared").orElseThrow().getSpec().steps)
        .extracting(step -> step.command)
        .as("no update was lost")
        .containsExactly(Integer.toString(writers * rounds));
    await().atMost(Duration.ofSeconds(10)).until(() -> watched.size() == expected);
    assertThat(versions(watched)).isEqualTo(logged);
    watch.close();
  }

  @Test
  @Override
  void twoStoresOnOneDatabaseShareOneVersionSequence() throws Exception {
    // Each process numbers the events it saw: its own writes as they return, the other's as the
    // watch brings them, so the two logs hold the same changes but need not number them alike.
    String database = sharedDatabase();
    List<ResourceStore> stores = List.of(open(database, 10_000), open(database, 10_000));
    stores.get(0).create(pipeline("default", "shared", "0"));
    int rounds = 20;
    runWriters(stores, 4, rounds);

    long writes = 1 + 2L * 4 * rounds;
    for (ResourceStore store : stores) {
      long base = 5;
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(store.events(base, 10_000)).hasSize((int) writes));
      assertThat(versions(store.events(base, 10_000))).isSorted().doesNotHaveDuplicates();
    }
    assertThat(stores.get(1).get(Pipeline.class, "default", "shared").orElseThrow().getSpec().steps)
        .extracting(step -> step.command)
        .containsExactly(Integer.toString(4 * rounds));
  }

  private static void runWriters(List<ResourceStore> stores, int writers, int rounds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        ResourceStore store = stores.get(w % stores.size());
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
  }

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
