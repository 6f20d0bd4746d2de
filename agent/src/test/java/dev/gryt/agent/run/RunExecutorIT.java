package dev.gryt.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.agent.runner.CappedLogSink;
import dev.gryt.agent.runner.ContainerRunner;
import dev.gryt.agent.runner.ProcessRunner;
import dev.gryt.agent.runner.Runners;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.testing.ReportReceiver;
import dev.gryt.agent.testing.TestRepos;
import dev.gryt.crds.agent.RunAssignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunExecutorIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private ReportReceiver receiver;
  private Git origin;
  private Path workDir;
  private RunExecutor executor;

  @BeforeEach
  void setUp() throws Exception {
    receiver = new ReportReceiver();
    origin = TestRepos.create(tmp.resolve("origin"));
    workDir = Files.createDirectories(tmp.resolve("work"));
  }

  @AfterEach
  void tearDown() {
    if (executor != null) {
      executor.close();
    }
    receiver.close();
    origin.close();
  }

  private RunExecutor executor(StepRunner runner, int capacity) {
    executor =
        new RunExecutor(
            runner,
            ReportClient.plain(),
            workDir,
            capacity,
            Clock.systemUTC(),
            RunExecutor.Options.defaults().withHeartbeat(Duration.ofSeconds(1)));
    return executor;
  }

  private RunAssignment assignment(String sha, RunAssignment.Step... steps) {
    return assignment(sha, null, List.of(), steps);
  }

  private RunAssignment assignment(
      String sha, Integer timeout, List<String> secrets, RunAssignment.Step... steps) {
    return new RunAssignment(
        "run-" + UUID.randomUUID().toString().substring(0, 8),
        "default",
        1,
        receiver.url(),
        "report-token-1",
        new RunAssignment.Repo(TestRepos.url(origin), "main", sha, null),
        new RunAssignment.Pipeline(
            null, Map.of("FROM_PIPELINE", "p"), timeout, null, List.of(steps)),
        secrets);
  }

  private static RunAssignment.Step step(String name, String command) {
    return new RunAssignment.Step(name, command, null, null, null, null);
  }

  @Test
  void runsEveryStepInOrderAndReports() throws Exception {
    RevCommit second = TestRepos.commit(origin, "version.txt", "two\n", "second");
    RunAssignment run =
        assignment(
            null,
            step("build", "cat version.txt; echo \"$FROM_PIPELINE $GRYT_STEP\""),
            step("test", "echo tested"));
    assertThat(executor(new ProcessRunner(), 2).submit(run))
        .isEqualTo(RunExecutor.Admission.ACCEPTED);
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("Succeeded");
    assertThat(last.path("commit").asText()).isEqualTo(second.name());
    assertThat(last.path("steps").findValuesAsText("state"))
        .containsExactly("Succeeded", "Succeeded");
    assertThat(last.path("steps").get(0).path("exit_code").asInt()).isZero();
    assertThat(last.path("steps").get(0).has("started_at")).isTrue();
    assertThat(receiver.log("build")).isEqualTo("two\np build\n");
    assertThat(receiver.log("test")).isEqualTo("tested\n");
    // Running reports first, exactly one final report, last
    assertThat(receiver.phases()).first().isEqualTo("Running");
    assertThat(receiver.phases())
        .filteredOn(p -> !p.equals("Running"))
        .containsExactly("Succeeded");
    assertThat(receiver.phases()).last().isEqualTo("Succeeded");
    assertThat(receiver.authorizations()).allMatch("Bearer report-token-1"::equals);
    assertThat(last.path("run_id").asText()).isEqualTo(run.runId());
    assertThat(last.path("attempt").asInt()).isEqualTo(1);
    awaitNoRunsAndEmpty(workDir);
  }

  @Test
  void theServersCapOnAStepsLogInTheAssignmentIsHonoured() throws Exception {
    RunAssignment run =
        assignment(null, step("noisy", "for i in $(seq 1 100); do echo line-$i; done"))
            .withMaxStepLogBytes(100L);

    executor(new ProcessRunner(), 1).submit(run);

    assertThat(receiver.awaitFinal(WAIT).path("phase").asText()).isEqualTo("Succeeded");
    String log = receiver.log("noisy");
    assertThat(log).startsWith("line-1\n").doesNotContain("line-100");
    assertThat(log).endsWith(CappedLogSink.marker(100) + "\n");
    assertThat(log.length() - CappedLogSink.marker(100).length() - 1).isLessThanOrEqualTo(100);
  }

  @Test
  void aBurstOfOutputGoesInSeveralReportsUnderTheLimitAndTheFinalPhaseLast() throws Exception {
    // 3 MiB at once: far more than one report carries.
    RunAssignment run =
        assignment(
                null,
                step(
                    "burst", "awk 'BEGIN { for (i = 1; i <= 32768; i++) printf \"%095d\\n\", i }'"))
            .withMaxStepLogBytes(8L * 1024 * 1024);

    executor(new ProcessRunner(), 1).submit(run);

    assertThat(receiver.awaitFinal(WAIT).path("phase").asText()).isEqualTo("Succeeded");
    String log = receiver.log("burst");
    assertThat(log.length()).isEqualTo(32768 * 96);
    assertThat(log.lines().skip(32767).findFirst()).contains("%095d".formatted(32768));
    assertThat(receiver.reports())
        .allSatisfy(
            r -> {
              int chars = 0;
              for (JsonNode l : r.path("logs")) {
                chars += l.path("text").asText().length();
              }
              assertThat(chars).isLessThanOrEqualTo(RunReporter.MAX_REPORT_LOG_CHARS);
            });
    assertThat(receiver.phases())
        .filteredOn(p -> !p.equals("Running"))
        .containsExactly("Succeeded");
    assertThat(receiver.phases()).last().isEqualTo("Succeeded");
  }

  @Test
  void checksOutTheGivenSha() throws Exception {
    String first = origin.log().call().iterator().next().name();
    TestRepos.commit(origin, "version.txt", "two\n", "second");
    executor(new ProcessRunner(), 1).submit(assignment(first, step("show", "cat version.txt")));
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("commit").asText()).isEqualTo(first);
    assertThat(receiver.log("show")).isEqualTo("one\n");
  }

  @Test
  void firstFailureFailsTheRunAndSkipsTheRest() throws Exception {
    executor(new ProcessRunner(), 1)
        .submit(assignment(null, step("a", "echo a"), step("b", "exit 3"), step("c", "echo c")));
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("Failed");
    assertThat(last.path("message").asText()).contains("b").contains("exit code 3");
    assertThat(last.path("steps").findValuesAsText("state"))
        .containsExactly("Succeeded", "Failed", "Skipped");
    assertThat(last.path("steps").get(1).path("exit_code").asInt()).isEqualTo(3);
    assertThat(receiver.log("c")).isEmpty();
    awaitNoRunsAndEmpty(workDir);
  }

  @Test
  void retriesAFailingStep() throws Exception {
    // fails the first time, passes the second: the marker survives in the workspace
    RunAssignment.Step flaky =
        new RunAssignment.Step(
            "flaky",
            "if [ -f tried ]; then echo ok; else touch tried; exit 1; fi",
            null,
            null,
            null,
            2);
    executor(new ProcessRunner(), 1).submit(assignment(null, flaky));
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("Succeeded");
    assertThat(receiver.log("flaky")).contains("retrying step flaky (try 2 of 3)").endsWith("ok\n");
  }

  @Test
  void stepTimeoutTimesTheRunOut() throws Exception {
    RunAssignment.Step slow = new RunAssignment.Step("slow", "sleep 30", null, null, 1, null);
    executor(new ProcessRunner(), 1).submit(assignment(null, slow, step("after", "true")));
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("TimedOut");
    assertThat(last.path("steps").findValuesAsText("state")).containsExactly("TimedOut", "Skipped");
    awaitNoRunsAndEmpty(workDir);
  }

  @Test
  void pipelineTimeoutBoundsTheWholeRun() throws Exception {
    executor(new ProcessRunner(), 1)
        .submit(assignment(null, 2, List.of(), step("one", "sleep 1"), step("two", "sleep 30")));
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("TimedOut");
    assertThat(last.path("message").asText()).contains("pipeline timed out");
  }

  @Test
  void secretsAndTokensAreMaskedInLogs() throws Exception {
    RunAssignment run =
        new RunAssignment(
            "run-secret",
            "default",
            1,
            receiver.url(),
            "report-token-1",
            new RunAssignment.Repo(TestRepos.url(origin), "main", null, "ghp_repoToken42"),
            new RunAssignment.Pipeline(
                null,
                Map.of("LEAK", "s3cr3t-value", "TOKEN", "ghp_repoToken42"),
                null,
                null,
                List.of(step("leak", "echo \"pw=$LEAK token=$TOKEN\""))),
            List.of("s3cr3t-value"));
    executor(new ProcessRunner(), 1).submit(run);
    receiver.awaitFinal(WAIT);
    assertThat(receiver.log("leak")).isEqualTo("pw=*** token=***\n");
    assertThat(receiver.reports().toString()).doesNotContain("ghp_repoToken42", "s3cr3t-value");
  }

  @Test
  void checkoutFailureFailsTheRunWithoutTheToken() throws Exception {
    RunAssignment run =
        new RunAssignment(
            "run-badrepo",
            "default",
            1,
            receiver.url(),
            "report-token-1",
            new RunAssignment.Repo(
                "file:///nonexistent/ghp_tok99/x.git", "main", null, "ghp_tok99"),
            new RunAssignment.Pipeline(null, null, null, null, List.of(step("never", "true"))),
            null);
    executor(new ProcessRunner(), 1).submit(run);
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("Failed");
    assertThat(last.path("message").asText()).contains("checkout").doesNotContain("ghp_tok99");
    assertThat(last.path("steps").findValuesAsText("state")).containsExactly("Skipped");
    awaitNoRunsAndEmpty(workDir);
  }

  @Test
  void aTenantsRunOfALocalRepositoryFailsBeforeAnythingIsRead() throws Exception {
    RunAssignment admins = assignment(null, step("show", "cat version.txt"));
    RunAssignment run =
        new RunAssignment(
            "run-tenantlocal",
            "t1a2b3c4d-default",
            1,
            receiver.url(),
            "report-token-1",
            admins.repo(),
            new RunAssignment.Pipeline(null, null, null, null, List.of(step("show", "ls -A"))),
            null);
    executor(new ProcessRunner(), 1).submit(run);
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("phase").asText()).isEqualTo("Failed");
    assertThat(last.path("message").asText())
        .isEqualTo(
            "git_url refused: local repositories and remote helpers (file://, paths, ext::) are"
                + " for the admin's namespaces only");
    assertThat(last.path("steps").findValuesAsText("state")).containsExactly("Skipped");
    assertThat(last.path("commit").asText("")).isEmpty();
    awaitNoRunsAndEmpty(workDir);
  }

  @Test
  void cancelStopsTheStepAndRemovesTheWorkspace() throws Exception {
    RunAssignment run =
        assignment(null, step("long", "echo started; sleep 60"), step("next", "true"));
    executor(new ProcessRunner(), 1).submit(run);
    receiver.await(r -> r.path("logs").toString().contains("started"), WAIT);
    long cancelled = System.nanoTime();
    assertThat(executor.cancel(run.runId())).isTrue();
    JsonNode last = receiver.awaitFinal(Duration.ofSeconds(5));
    assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(5));
    assertThat(last.path("phase").asText()).isEqualTo("Cancelled");
    assertThat(last.path("steps").findValuesAsText("state"))
        .containsExactly("Cancelled", "Skipped");
    awaitNoRunsAndEmpty(workDir);
  }

  @Test
  void aRefusedReportStopsTheRunAndNothingMoreIsSent() throws Exception {
    RunAssignment run = assignment(null, step("long", "echo started; sleep 60"));
    executor(new ProcessRunner(), 1).submit(run);
    receiver.await(r -> r.path("logs").toString().contains("started"), WAIT);
    receiver.answer(409);
    // the next heartbeat (1 s here) is refused: the run stops at once
    awaitNoRunsAndEmpty(workDir);
    int seen = receiver.reports().size();
    Thread.sleep(1500);
    assertThat(receiver.reports()).hasSize(seen);
    assertThat(receiver.phases()).containsOnly("Running");
  }

  @Test
  void heartbeatsWhileAStepIsQuiet() throws Exception {
    executor(new ProcessRunner(), 1).submit(assignment(null, step("quiet", "sleep 3")));
    receiver.awaitFinal(WAIT);
    // A heartbeat is a report with nothing new: no output, the steps as the report before said.
    // The reports at start and when the step began carry news; the 3 s sleep needs at least two
    // heartbeats at one a second.
    List<JsonNode> reports = receiver.reports();
    int heartbeats = 0;
    for (int i = 1; i < reports.size(); i++) {
      JsonNode r = reports.get(i);
      if (r.path("phase").asText().equals("Running")
          && r.path("logs").isEmpty()
          && r.path("steps").equals(reports.get(i - 1).path("steps"))
          && r.path("steps").findValuesAsText("state").equals(List.of("Running"))) {
        heartbeats++;
      }
    }
    assertThat(heartbeats).as("heartbeats among %s", reports).isGreaterThanOrEqualTo(2);
  }

  @Test
  void capacityAndDuplicateAttempts() throws Exception {
    executor(new ProcessRunner(), 1);
    RunAssignment first = assignment(null, step("long", "sleep 60"));
    assertThat(executor.submit(first)).isEqualTo(RunExecutor.Admission.ACCEPTED);
    assertThat(executor.submit(first)).isEqualTo(RunExecutor.Admission.ALREADY_RUNNING);
    assertThat(executor.submit(assignment(null, step("x", "true"))))
        .isEqualTo(RunExecutor.Admission.AT_CAPACITY);
    RunAssignment newer =
        new RunAssignment(
            first.runId(),
            first.namespace(),
            2,
            first.reportUrl(),
            first.reportToken(),
            first.repo(),
            new RunAssignment.Pipeline(
                null, null, null, null, List.of(step("quick", "echo second"))),
            null);
    assertThat(executor.submit(newer)).isEqualTo(RunExecutor.Admission.ACCEPTED);
    JsonNode last = receiver.awaitFinal(WAIT);
    assertThat(last.path("attempt").asInt()).isEqualTo(2);
    assertThat(last.path("phase").asText()).isEqualTo("Succeeded");
    awaitNoRunsAndEmpty(workDir);
    // the superseded attempt 1 never reported an end
    assertThat(receiver.reports())
        .filteredOn(r -> r.path("attempt").asInt() == 1)
        .allMatch(r -> r.path("phase").asText().equals("Running"));
  }

  @Test
  void capacityFourRunsFourAtOnce() throws Exception {
    executor(new ProcessRunner(), 4);
    // A rendezvous, not a stopwatch: each run leaves its file and waits (30 s at most, then
    // fails) until all four files are there, which happens only if all four run at once.
    Path meeting = Files.createDirectories(tmp.resolve("rendezvous"));
    for (int i = 0; i < 4; i++) {
      String wait =
          "touch '"
              + meeting.resolve("run-" + i)
              + "'; n=0; until [ $(ls '"
              + meeting
              + "' | wc -l) -ge 4 ]; do n=$((n+1)); [ $n -gt 300 ] && exit 1; sleep 0.1; done";
      assertThat(executor.submit(assignment(null, step("wait", wait))))
          .isEqualTo(RunExecutor.Admission.ACCEPTED);
    }
    assertThat(executor.running()).isEqualTo(4);
    awaitNoRunsAndEmpty(workDir);
    assertThat(receiver.reports())
        .filteredOn(r -> !r.path("phase").asText().equals("Running"))
        .hasSize(4)
        .allMatch(r -> r.path("phase").asText().equals("Succeeded"));
  }

  @Test
  void containerRunLeavesNoContainerBehind() throws Exception {
    assertThat(Runners.containerProblem("podman", Runners.DEFAULT_IMAGE))
        .as("podman must work here; run bin/setup-containers")
        .isEmpty();
    ContainerRunner runner = new ContainerRunner("podman", Runners.DEFAULT_IMAGE);
    RunAssignment run = assignment(null, step("inside", "cat version.txt; echo started; sleep 60"));
    executor(runner, 1).submit(run);
    receiver.await(r -> r.path("logs").toString().contains("started"), WAIT);
    executor.cancel(run.runId());
    JsonNode last = receiver.awaitFinal(Duration.ofSeconds(5));
    assertThat(last.path("phase").asText()).isEqualTo("Cancelled");
    assertThat(receiver.log("inside")).startsWith("one\nstarted\n");
    assertThat(runner.containerExists("gryt-" + run.runId() + "-1-inside")).isFalse();
    awaitNoRunsAndEmpty(workDir);
  }

  private void awaitNoRunsAndEmpty(Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (executor.running() == 0 && entries.findAny().isEmpty()) {
          return;
        }
      }
      Thread.sleep(20);
    }
    try (Stream<Path> entries = Files.list(dir)) {
      throw new AssertionError(
          "still running: " + executor.running() + ", left in work dir: " + entries.toList());
    }
  }
}
