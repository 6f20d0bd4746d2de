package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliRun;
import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.operator.ProbeResult;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.operator.loop.StandaloneOperator;
import dev.gryt.server.ApiServer;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that read status and steer runs, against a real {@link ApiServer} and the control
 * loop that sets the Ready conditions, over a temporary SQLite store.
 */
class RunCommandsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @TempDir Path dir;
  private ResourceStore store;
  private ApiServer server;
  private ControlLoop loop;
  private CliRun gryt;
  private Path infra;

  @BeforeEach
  void start() throws IOException {
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"));
    server = ApiServer.start(store, "127.0.0.1", 0);
    // No network where tests run: the example repo on github.com is taken as reachable, so the
    // assertions below can expect a Ready job (the probe itself is tested in the operator).
    loop =
        StandaloneOperator.create(
            store,
            Clock.systemUTC(),
            (url, branch, token) -> ProbeResult.reachable("0123456789abcdef"));
    loop.start();
    gryt = new CliRun(dir).env("GRYT_URL", "http://127.0.0.1:" + server.port());
    infra = dir.resolve("infra.yaml");
    try (InputStream in = getClass().getResourceAsStream("/manifests/infra.yaml")) {
      Files.write(infra, in.readAllBytes());
    }
    CliRun.Result applied = gryt.run("cloud", "apply", "-f", infra.toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    await().atMost(PATIENCE).until(() -> readyReason(job()).isPresent());
  }

  @AfterEach
  void stop() {
    if (loop != null) {
      loop.close();
    }
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void getShowsTheReasonOfReadyUnderAnyNameOfTheKind() {
    for (String kind : new String[] {"jobs", "job", "Job", "JOBS"}) {
      CliRun.Result jobs = gryt.run("cloud", "get", kind);

      assertThat(jobs.exitCode()).as(jobs.err()).isZero();
      assertThat(jobs.outLines())
          .hasSize(2)
          .first()
          .asString()
          .matches("NAME\\s+ID\\s+READY\\s+REASON\\s+AGE");
      assertThat(jobs.outLines().get(1))
          .matches(
              "my-app-ci\\s+job-\\S+\\s+True\\s+" + readyReason(job()).orElseThrow() + "\\s+\\S+");
    }
  }

  @Test
  void describeShowsSpecAndConditions() {
    CliRun.Result described = gryt.run("cloud", "describe", "job", "my-app-ci");

    assertThat(described.exitCode()).as(described.err()).isZero();
    assertThat(described.outLines())
        .contains("Name:                  my-app-ci", "Namespace:             default")
        .contains("  pipeline_name: test-and-build", "Conditions:")
        .anyMatch(l -> l.matches("  TYPE\\s+STATUS\\s+REASON\\s+AGE\\s+MESSAGE"))
        .anyMatch(
            l -> l.matches("  Ready\\s+True\\s+" + readyReason(job()).orElseThrow() + "\\s.*"))
        .contains("Events:")
        .anyMatch(l -> l.matches("  AGE\\s+REASON\\s+VERSION\\s+MESSAGE"))
        .anyMatch(l -> l.matches("  \\S+\\s+Created\\s+\\d+\\s+generation 1"))
        .anyMatch(
            l ->
                l.matches(
                    "  \\S+\\s+" + readyReason(job()).orElseThrow() + "\\s+\\d+\\s+Ready=True.*"));

    CliRun.Result missing = gryt.run("cloud", "describe", "pipeline", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.errLines()).containsExactly("error: pipeline nope not found");
  }

  @Test
  void startsListsCancelsAndRetriesRuns() throws Exception {
    CliRun.Result started = gryt.run("cloud", "jobs", "run", "my-app-ci");

    assertThat(started.exitCode()).as(started.err()).isZero();
    assertThat(started.outLines())
        .singleElement()
        .asString()
        .matches("run-\\S+ started \\(job my-app-ci\\)");
    String runId = started.out().split(" ")[0];
    await().atMost(PATIENCE).until(() -> readyReason(run(runId)).equals(Optional.of("NoAgent")));

    CliRun.Result listed = gryt.run("cloud", "runs", "list", "--job", "my-app-ci");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.outLines())
        .hasSize(2)
        .first()
        .asString()
        .matches("NAME\\s+ID\\s+JOB\\s+PHASE\\s+REASON\\s+TRIGGER\\s+EVENT\\s+BRANCH\\s+BY\\s+AGE");
    assertThat(listed.outLines().get(1))
        .matches(
            "my-app-ci-\\S+\\s+"
                + runId
                + "\\s+my-app-ci\\s+Pending\\s+NoAgent\\s+manual\\s+manual\\s+\\S+\\s+admin\\s+\\S+");

    CliRun.Result otherJob = gryt.run("cloud", "runs", "list", "--job", "other", "-o", "json");
    assertThat(ResourceCodec.json().readTree(otherJob.out()).path("items")).isEmpty();

    CliRun.Result cancelled = gryt.run("cloud", "runs", "cancel", runId);
    assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
    assertThat(cancelled.outLines()).containsExactly("cancel requested for " + runId);
    await().atMost(PATIENCE).until(() -> "Cancelled".equals(run(runId).getStatus().phase));

    CliRun.Result got = gryt.run("cloud", "runs", "get", runId, "-o", "json");
    JsonNode json = ResourceCodec.json().readTree(got.out());
    assertThat(json.path("status").path("phase").asText()).isEqualTo("Cancelled");
    assertThat(json.path("spec").path("cancel_requested").asBoolean()).isTrue();

    CliRun.Result retried = gryt.run("cloud", "runs", "retry", runId);
    assertThat(retried.exitCode()).as(retried.err()).isZero();
    String retryId = retried.out().split(" ")[0];
    assertThat(retried.outLines())
        .containsExactly(retryId + " started (retry of " + runId + ", job my-app-ci)");
    assertThat(run(retryId).getSpec().retryOf).isEqualTo(runId);
    assertThat(store.list(JobRun.class, null, Map.of())).hasSize(2);

    CliRun.Result described = gryt.run("cloud", "describe", "run", runId);
    assertThat(described.outLines())
        .contains("Phase:                 Cancelled", "Steps:", "  job_name: my-app-ci")
        .anyMatch(l -> l.matches("  Ready\\s+False\\s+Cancelled\\s.*"));
  }

  @Test
  void unknownRunsAndJobsAreNamedInOneLine() {
    for (String action : new String[] {"get", "cancel", "retry"}) {
      CliRun.Result result = gryt.run("cloud", "runs", action, "run-x");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.errLines()).containsExactly("error: run run-x not found");
    }
    CliRun.Result job = gryt.run("cloud", "jobs", "run", "nope");
    assertThat(job.exitCode()).isEqualTo(1);
    assertThat(job.errLines()).containsExactly("error: job nope not found");
  }

  @Test
  void watchPrintsTheListThenOneRowPerChange() throws Exception {
    try (CliRun.Background watch = gryt.start("cloud", "get", "jobs", "--watch")) {
      await().atMost(PATIENCE).until(() -> watch.outLines().size() >= 2);
      assertThat(watch.outLines().get(0)).matches("EVENT\\s+NAME\\s+ID\\s+READY\\s+REASON\\s+AGE");
      assertThat(watch.outLines().get(1)).matches("ADDED\\s+my-app-ci\\s+job-\\S+\\s+True\\s.*");

      Files.writeString(
          infra, Files.readString(infra).replace("CI pipeline for my-app", "CI for my-app"));
      gryt.run("cloud", "apply", "-f", infra.toString());
      await()
          .atMost(PATIENCE)
          .until(() -> watch.outLines().stream().anyMatch(l -> l.startsWith("MODIFIED ")));

      gryt.run("cloud", "delete", "job", "my-app-ci");
      await()
          .atMost(PATIENCE)
          .until(() -> watch.outLines().stream().anyMatch(l -> l.startsWith("DELETED ")));

      CliRun.Result stopped = watch.stop();
      assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      assertThat(stopped.outLines())
          .allMatch(l -> l.matches("(EVENT|ADDED|MODIFIED|DELETED)\\s+.*"))
          .noneMatch(l -> l.contains("pipeline"));
    }
  }

  private Job job() {
    return store.get(Job.class, "default", "my-app-ci").orElseThrow();
  }

  private JobRun run(String id) {
    return store.list(JobRun.class, null, Map.of()).stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static Optional<String> readyReason(GrytResource<?, ?> resource) {
    return Optional.ofNullable(resource.getStatus())
        .flatMap(s -> s.condition(Condition.READY))
        .map(c -> c.reason);
  }
}
