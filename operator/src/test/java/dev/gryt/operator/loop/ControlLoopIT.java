package dev.gryt.operator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobReason;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.manifest.Manifest;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.operator.ExampleRepoProbe;
import dev.gryt.store.Mutation;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone control loop over a real SQLite store ({@link ControlLoopPostgresIT}: PostgreSQL).
 */
class ControlLoopIT {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  ResourceStore store;
  ControlLoop loop;

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() {
    store = StoreFactory.open(storeUrl(), clock);
    // The example repo on github.com cannot be probed without network; see ExampleRepoProbe.
    loop = StandaloneOperator.create(store, clock, new ExampleRepoProbe());
    loop.start();
  }

  @AfterEach
  void stop() {
    loop.close();
    store.close();
  }

  @Test
  void everythingAppliedBecomesReady() throws Exception {
    applyFile("infra.yaml");

    for (ResourceKind kind :
        List.of(
            ResourceKind.PIPELINE,
            ResourceKind.GITHUB_REPO,
            ResourceKind.JOB,
            ResourceKind.WEBHOOK)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                List<? extends GrytResource<?, ?>> all = store.list(kind.type(), null, Map.of());
                assertThat(all).isNotEmpty();
                assertThat(all)
                    .allSatisfy(
                        r -> {
                          assertThat(ready(r))
                              .as(kind + " " + r.getMetadata().getName())
                              .isEqualTo("True");
                          assertThat(r.getStatus().observedGeneration)
                              .isEqualTo(r.getMetadata().getGeneration());
                        });
              });
    }
  }

  @Test
  void aJobBeforeItsPipelineBecomesReadyWhenThePipelineAppears() {
    apply(
        """
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: early}
        spec: {pipeline_name: late}
        """);
    await()
        .atMost(WAIT)
        .until(() -> JobReason.PIPELINE_NOT_FOUND.value().equals(reason(job("early"))));
    long versionWhileWaiting = Long.parseLong(job("early").getMetadata().getResourceVersion());

    apply(
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: late}
        spec:
          steps: [{name: s, command: make}]
        """);

    await().atMost(WAIT).until(() -> "True".equals(ready(job("early"))));
    assertThat(job("early").getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(Long.parseLong(job("early").getMetadata().getResourceVersion()))
        .isGreaterThan(versionWhileWaiting);
  }

  @Test
  void deletingAPipelineTurnsItsJobNotReady() throws Exception {
    applyFile("infra.yaml");
    await().atMost(WAIT).until(() -> "True".equals(ready(job("my-app-ci"))));

    store.delete(ResourceKind.PIPELINE, "default", "test-and-build", null);

    await()
        .atMost(WAIT)
        .until(() -> JobReason.PIPELINE_NOT_FOUND.value().equals(reason(job("my-app-ci"))));
  }

  @Test
  void aRunWaitsForAnAgentTimesOutAndCannotBeCancelledAfterwards() throws Exception {
    applyFile("infra.yaml");
    JobRun run = store.create(run("my-app-ci", 600));
    await().atMost(WAIT).until(() -> JobRunPhase.PENDING.value().equals(phase(run)));
    assertThat(reason(fresh(run))).isEqualTo(JobRunReason.NO_AGENT.value());

    clock.advance(Duration.ofSeconds(601));
    loop.resync();

    await().atMost(WAIT).until(() -> JobRunPhase.TIMED_OUT.value().equals(phase(run)));
    JobRun timedOut = fresh(run);
    assertThat(timedOut.getStatus().condition(Condition.SUCCEEDED).orElseThrow().status)
        .isEqualTo("False");

    // Asked to cancel now, the loop decides again and leaves the finished run as it was. A run
    // created after the request is the sentinel: the watch delivers changes in order and the
    // queue hands keys out first come first served, so once the sentinel is decided the request
    // has been taken up too.
    long reconcilesBefore = loop.reconciles();
    cancel(run);
    JobRun sentinel = store.create(run("sentinel", "my-app-ci"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                JobRunPhase.PENDING.value().equals(phase(sentinel))
                    && loop.reconciles() >= reconcilesBefore + 2);
    JobRun after = fresh(run);
    assertThat(after.getSpec().cancelRequested).isTrue();
    assertThat(after.getStatus().phase).isEqualTo(JobRunPhase.TIMED_OUT.value());
    assertThat(after.getStatus().finishedAt).isEqualTo(timedOut.getStatus().finishedAt);
    assertThat(after.getStatus().condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.TIMED_OUT.value());
    assertThat(ResourceCodec.toJson(after.getStatus()))
        .isEqualTo(ResourceCodec.toJson(timedOut.getStatus()));
  }

  @Test
  void cancellingARunEndsItCancelled() throws Exception {
    applyFile("infra.yaml");
    JobRun run = store.create(run("my-app-ci", 600));
    await().atMost(WAIT).until(() -> JobRunPhase.PENDING.value().equals(phase(run)));

    JobRun latest = fresh(run);
    latest.getSpec().cancelRequested = true;
    store.update(latest);

    await().atMost(WAIT).until(() -> JobRunPhase.CANCELLED.value().equals(phase(run)));
  }

  @Test
  void aStatusWriteThatLosesARaceIsDecidedAgain() throws Exception {
    applyFile("infra.yaml");
    await().atMost(WAIT).until(() -> "True".equals(ready(job("my-app-ci"))));
    // Many quick spec changes: each is a newer resourceVersion than the loop's last read.
    int changes = 0;
    while (changes < 20) {
      Pipeline p = store.get(Pipeline.class, "default", "test-and-build").orElseThrow();
      p.getSpec().description = "change " + changes;
      try {
        store.update(p);
        changes++;
      } catch (dev.gryt.store.ConflictException lostToTheLoop) {
        // the loop wrote status in between; this writer, too, must read again
      }
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Pipeline p = store.get(Pipeline.class, "default", "test-and-build").orElseThrow();
              assertThat(p.getStatus().observedGeneration)
                  .isEqualTo(p.getMetadata().getGeneration());
              assertThat(ready(p)).isEqualTo("True");
            });
  }

  @Test
  void aRepoIsProbedWhenAppliedAndAgainWhenItsUrlChanges() throws Exception {
    Path origin = dir.resolve("origin");
    RevCommit head;
    try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
      Files.writeString(origin.resolve("README.md"), "hello\n");
      git.add().addFilepattern("README.md").call();
      PersonIdent me = new PersonIdent("gryt test", "test@gryt.dev");
      head = git.commit().setMessage("first").setAuthor(me).setCommitter(me).setSign(false).call();
    }
    String url = origin.toUri().toString().replaceFirst("^file:/+", "file:///");
    apply(
        """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: local}
        spec: {git_url: "%s"}
        """
            .formatted(url));

    await()
        .atMost(WAIT)
        .until(() -> GitHubRepoReason.REACHABLE.value().equals(reason(repo("local"))));
    Condition ready = repo("local").getStatus().condition(Condition.READY).orElseThrow();
    assertThat(ready.status).isEqualTo("True");
    assertThat(ready.message).isEqualTo("branch main is at " + head.name().substring(0, 7));

    GitHubRepo moved = repo("local");
    moved.getSpec().gitUrl = url + "-gone";
    store.update(moved);

    await()
        .atMost(WAIT)
        .until(() -> GitHubRepoReason.UNREACHABLE.value().equals(reason(repo("local"))));
    GitHubRepo gone = repo("local");
    assertThat(ready(gone)).isEqualTo("False");
    assertThat(gone.getStatus().observedGeneration).isEqualTo(gone.getMetadata().getGeneration());
    assertThat(gone.getStatus().condition(Condition.READY).orElseThrow().message)
        .startsWith("cannot list " + url + "-gone: ");
  }

  @Test
  void aRunWaitsForAConcurrencySlotAndTakesItWhenTheOlderRunFinishes() {
    applyJob("limited", "max_concurrent_runs: 1");
    JobRun first = store.create(run("first", "limited"));
    clock.advance(Duration.ofSeconds(1));
    JobRun second = store.create(run("second", "limited"));

    await()
        .atMost(WAIT)
        .until(() -> JobRunReason.CONCURRENCY_LIMIT.value().equals(reason(fresh(second))));
    assertThat(phase(second)).isEqualTo(JobRunPhase.PENDING.value());
    assertThat(reason(fresh(first))).isEqualTo(JobRunReason.NO_AGENT.value());

    cancel(first);

    // Nothing about the second run changed: its sibling's change alone wakes it.
    await().atMost(WAIT).until(() -> JobRunReason.NO_AGENT.value().equals(reason(fresh(second))));
  }

  @Test
  void aJobThatForbidsConcurrentRunsCancelsARunStartedWhileAnotherIsActive() {
    applyJob("single", "concurrency_policy: forbid");
    JobRun first = store.create(run("first", "single"));
    clock.advance(Duration.ofSeconds(1));
    JobRun second = store.create(run("second", "single"));

    await().atMost(WAIT).until(() -> JobRunPhase.CANCELLED.value().equals(phase(second)));
    assertThat(reason(fresh(second))).isEqualTo(JobRunReason.CONCURRENCY_FORBIDDEN.value());
    assertThat(reason(fresh(first))).isEqualTo(JobRunReason.NO_AGENT.value());
  }

  @Test
  void aNewerRunReplacesTheOlderActiveOnes() {
    applyJob("latest", "concurrency_policy: replace");
    JobRun first = store.create(run("first", "latest"));
    await().atMost(WAIT).until(() -> JobRunReason.NO_AGENT.value().equals(reason(fresh(first))));
    clock.advance(Duration.ofSeconds(1));
    JobRun second = store.create(run("second", "latest"));

    await().atMost(WAIT).until(() -> JobRunPhase.CANCELLED.value().equals(phase(first)));
    assertThat(reason(fresh(first))).isEqualTo(JobRunReason.REPLACED.value());
    await().atMost(WAIT).until(() -> JobRunReason.NO_AGENT.value().equals(reason(fresh(second))));
  }

  @Test
  void aJobKeepsOnlyItsNewestFinishedRunsUpToItsHistoryLimit() {
    applyJob("kept", "history_limit: 2");
    JobRun active = store.create(run("active", "kept"));
    for (String name : List.of("r1", "r2", "r3", "r4")) {
      clock.advance(Duration.ofSeconds(1));
      JobRun r = run(name, "kept");
      r.getSpec().cancelRequested = true;
      store.create(r);
    }

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(store.list(JobRun.class, "default", Map.of()))
                    .extracting(r -> r.getMetadata().getName())
                    .containsExactlyInAnyOrder("active", "r3", "r4"));
    assertThat(phase(fresh(active))).isEqualTo(JobRunPhase.PENDING.value());
    assertThat(loop.deletes()).isEqualTo(2);
  }

  // --- helpers

  GitHubRepo repo(String name) {
    return store.get(GitHubRepo.class, "default", name).orElseThrow();
  }

  void applyJob(String name, String policy) {
    apply(
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: p}
        spec:
          steps: [{name: s, command: make}]
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: %s}
        spec:
          pipeline_name: p
          %s
        """
            .formatted(name, policy));
  }

  JobRun run(String name, String job) {
    JobRun r = run(job, 600);
    r.getMetadata().setName(name);
    return r;
  }

  void cancel(JobRun run) {
    while (true) {
      JobRun latest = fresh(run);
      latest.getSpec().cancelRequested = true;
      try {
        store.update(latest);
        return;
      } catch (dev.gryt.store.ConflictException lostToTheLoop) {
        // the loop wrote status in between: read again
      }
    }
  }

  JobRun run(String job, int timeoutSeconds) {
    JobRun r = new JobRun();
    r.setMetadata(new ObjectMetaBuilder().withName(job + "-run").withNamespace("default").build());
    r.setSpec(new JobRunSpec());
    r.getSpec().jobName = job;
    r.getSpec().timeoutSeconds = timeoutSeconds;
    return r;
  }

  JobRun fresh(JobRun r) {
    return store.get(JobRun.class, "default", r.getMetadata().getName()).orElseThrow();
  }

  String phase(JobRun r) {
    JobRun f = fresh(r);
    return f.getStatus() == null ? null : f.getStatus().phase;
  }

  Job job(String name) {
    return store.get(Job.class, "default", name).orElseThrow();
  }

  static String ready(GrytResource<?, ?> r) {
    return r.getStatus() == null
        ? null
        : r.getStatus().condition(Condition.READY).map(c -> c.status).orElse(null);
  }

  static String reason(GrytResource<?, ?> r) {
    return r.getStatus() == null
        ? null
        : r.getStatus().condition(Condition.READY).map(c -> c.reason).orElse(null);
  }

  void applyFile(String name) throws Exception {
    apply(Files.readString(examples().resolve(name)));
  }

  void apply(String yaml) {
    ParseResult parsed = ManifestParser.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problems()).isEmpty();
    store.commit(
        parsed.manifests().stream()
            .map(Manifest::resource)
            .<Mutation>map(Mutation.Create::new)
            .toList());
  }

  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    return p.resolve("examples");
  }

  /** A clock tests move by hand; the store and the reconcilers read it. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
