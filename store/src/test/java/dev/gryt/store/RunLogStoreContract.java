package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.agent.RunReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RunLogStore} shares, reached through its {@link ResourceStore}: a
 * report's status and logs are written together, each log within its caps, and a run's logs go with
 * it.
 */
public abstract class RunLogStoreContract extends StoreContract {
  @Test
  void aRunsLogStopsAtItsQuotaBehindOneMarker() {
    ResourceStore store = newStore();
    JobRun run = (JobRun) store.create(run("quota-1").resource());
    run.setStatus(new dev.gryt.crds.JobRunStatus());
    run.getStatus().phase = "Running";
    JobRun reported =
        store
            .runLogs()
            .report(
                run,
                1,
                List.of(
                    new dev.gryt.crds.agent.RunReport.LogText("a", "x".repeat(30)),
                    new dev.gryt.crds.agent.RunReport.LogText("b", "y".repeat(30))),
                1_000,
                50);
    store
        .runLogs()
        .report(
            reported,
            1,
            List.of(new dev.gryt.crds.agent.RunReport.LogText("b", "dropped")),
            1_000,
            50);

    List<LogChunk> logs = store.runLogs().read("default", "quota-1", 0, 100);
    assertThat(logs).extracting(LogChunk::step).containsExactly("a", "b", "b");
    assertThat(logs.get(0).text()).isEqualTo("x".repeat(30));
    assertThat(logs.get(1).text()).isEqualTo("y".repeat(20));
    assertThat(logs.get(2).truncated()).isTrue();
    assertThat(logs.get(2).text()).contains("reached its quota of 50 characters");
  }

  @Test
  void aReportWithAStaleVersionWritesNeitherItsStatusNorItsLogs() {
    ResourceStore store = newStore();
    JobRun run = (JobRun) store.create(run("stale-1").resource());
    run.setStatus(new JobRunStatus());
    run.getStatus().phase = "Running";
    JobRun reported =
        store.runLogs().report(run, 1, List.of(new RunReport.LogText("a", "first")), 1_000, 1_000);

    JobRun stale = run; // still carries the version before the first report
    stale.getStatus().phase = "Succeeded";
    assertThatThrownBy(
            () ->
                store
                    .runLogs()
                    .report(stale, 1, List.of(new RunReport.LogText("a", "late")), 1_000, 1_000))
        .isInstanceOf(ConflictException.class);

    assertThat(store.runLogs().read("default", "stale-1", 0, 100))
        .extracting(LogChunk::text)
        .containsExactly("first");
    JobRun stored = store.get(JobRun.class, "default", "stale-1").orElseThrow();
    assertThat(stored.getStatus().phase).isEqualTo("Running");
    assertThat(stored.getMetadata().getResourceVersion())
        .isEqualTo(reported.getMetadata().getResourceVersion());
  }

  @Test
  void aRunsLogsAreDeletedWithItAndANewRunOfTheSameNameStartsEmpty() {
    ResourceStore store = newStore();
    for (String name : List.of("gone-1", "gone-2", "kept-1")) {
      JobRun run = (JobRun) store.create(run(name).resource());
      run.setStatus(new dev.gryt.crds.JobRunStatus());
      run.getStatus().phase = "Running";
      store
          .runLogs()
          .report(
              run,
              1,
              List.of(new dev.gryt.crds.agent.RunReport.LogText("build", "output of " + name)),
              1_000,
              10_000);
      assertThat(store.runLogs().read("default", name, 0, 100)).hasSize(1);
    }

    // Both ways a run is deleted: by itself, and as one mutation of a commit.
    store.delete(ResourceKind.JOB_RUN, "default", "gone-1", null);
    store.commit(List.of(new Mutation.Delete(ResourceKind.JOB_RUN, "default", "gone-2", null)));

    assertThat(store.runLogs().read("default", "gone-1", 0, 100)).isEmpty();
    assertThat(store.runLogs().read("default", "gone-2", 0, 100)).isEmpty();
    // A run created again under a deleted run's name does not inherit its output.
    store.create(run("gone-1").resource());
    assertThat(store.runLogs().read("default", "gone-1", 0, 100)).isEmpty();
    // Only the deleted runs' logs go.
    assertThat(store.runLogs().read("default", "kept-1", 0, 100))
        .extracting(LogChunk::text)
        .containsExactly("output of kept-1");
  }

  @Test
  void aStepsLogIsPagedByCursorWithItsTotalsAndLineNumbers() {
    ResourceStore store = newStore();
    JobRun run = (JobRun) store.create(run("paged-1").resource());
    run.setStatus(new JobRunStatus());
    run.getStatus().phase = "Running";
    JobRun reported =
        store
            .runLogs()
            .report(
                run,
                1,
                List.of(
                    new RunReport.LogText("build", "one\ntwo\n"),
                    new RunReport.LogText("test", "other\n"),
                    new RunReport.LogText("build", "three\n")),
                1_000,
                10_000);
    store
        .runLogs()
        .report(
            reported, 1, List.of(new RunReport.LogText("build", "four\nfive\n")), 1_000, 10_000);

    List<LogChunk> first = store.runLogs().readStep("default", "paged-1", "build", 0, 2, 1_000);
    assertThat(first).extracting(LogChunk::text).containsExactly("one\ntwo\n", "three\n");
    long cursor = first.get(1).seq();
    assertThat(store.runLogs().readStep("default", "paged-1", "build", cursor, 2, 1_000))
        .extracting(LogChunk::text)
        .containsExactly("four\nfive\n");
    // A page stops once it has maxChars, but always holds a chunk.
    assertThat(store.runLogs().readStep("default", "paged-1", "build", 0, 10, 1)).hasSize(1);

    StepLogSize size = store.runLogs().stepSize("default", "paged-1", "build", cursor);
    assertThat(size).isEqualTo(new StepLogSize(3, 24, 5, 3));
    assertThat(store.runLogs().stepSize("default", "paged-1", "build", 0).linesThrough()).isZero();
    assertThat(store.runLogs().stepSize("default", "paged-1", "nope", 0))
        .isEqualTo(new StepLogSize(0, 0, 0, 0));
    assertThat(store.runLogs().readStep("default", "other-run", "build", 0, 10, 1_000)).isEmpty();
  }
}
