package dev.gryt.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliRun;
import dev.gryt.crds.Condition;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.agent.RunReports;
import dev.gryt.operator.Placement;
import dev.gryt.operator.ProbeResult;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.agents.AgentClient;
import dev.gryt.operator.agents.AgentRegistry;
import dev.gryt.operator.agents.JobRunDispatcher;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.operator.loop.StandaloneOperator;
import dev.gryt.server.ApiServer;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.store.LogChunk;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs placed on agents, end to end on the server's side: a real API server, control loop and
 * dispatcher over SQLite ({@link AgentPlacementPostgresIT}: PostgreSQL), with two {@link
 * FakeAgent}s over real HTTP whose reports the test writes. Leases are 2 s here, so a lost agent
 * shows within seconds.
 */
class AgentPlacementIT {
  static final Duration PATIENCE = Duration.ofSeconds(20);
  static final int LOG_CAP = 100;

  @TempDir Path dir;
  ResourceStore store;
  ApiServer server;
  ControlLoop loop;
  FakeAgent big;
  FakeAgent small;
  CliRun gryt;

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() throws IOException {
    store = StoreFactory.open(storeUrl());
    server =
        ApiServer.start(
            store,
            "127.0.0.1",
            0,
            ServerSecurity.TRUST_LOOPBACK,
            new ApiServer.RunSettings(Clock.systemUTC(), LOG_CAP));
    big = new FakeAgent(2);
    small = new FakeAgent(1);
    AgentRegistry agents =
        new AgentRegistry(
            List.of(big.url(), small.url()),
            new AgentClient(null, Duration.ofSeconds(2)),
            Duration.ofMillis(200));
    loop =
        StandaloneOperator.create(
                store,
                Clock.systemUTC(),
                (url, branch, token) -> ProbeResult.reachable("0123456789abcdef"))
            .with(
                new JobRunDispatcher(
                    store,
                    Clock.systemUTC(),
                    agents,
                    RepoTokens.standalone(),
                    new Placement.Settings(Duration.ofSeconds(2), 2),
                    "http://127.0.0.1:" + server.port()));
    loop.start();
    gryt = new CliRun(dir).env("GRYT_URL", "http://127.0.0.1:" + server.port());
    Path infra = dir.resolve("infra.yaml");
    try (InputStream in = getClass().getResourceAsStream("/manifests/infra.yaml")) {
      Files.write(infra, in.readAllBytes());
    }
    CliRun.Result applied = gryt.run("cloud", "apply", "-f", infra.toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {loop, server, big, small, store}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  @Test
  void placesRunsWithinCapacityLeastLoadedFirstAndRecordsTheirReports() throws Exception {
    List<String> ids = List.of(startRun(), startRun(), startRun());
    await().atMost(PATIENCE).until(() -> big.assignments.size() + small.assignments.size() == 3);
    assertThat(big.assignments).hasSize(2);
    assertThat(small.assignments).hasSize(1);
    for (String id : ids) {
      JobRunStatus s = run(id).getStatus();
      assertThat(s.phase).isEqualTo("Scheduled");
      assertThat(s.attempt).isEqualTo(1);
      FakeAgent holder = big.assignments.containsKey(id) ? big : small;
      assertThat(s.agent).isEqualTo(holder.url().toString());
      JsonNode assignment = holder.assignments.get(id);
      assertThat(assignment.path("repo").path("git_url").asText())
          .isEqualTo("https://github.com/myorg/myapp");
      assertThat(assignment.path("repo").path("ref").asText()).isEqualTo("develop");
      assertThat(assignment.path("pipeline").path("steps").findValuesAsText("name"))
          .containsExactly("test", "build");
      String token = assignment.path("report_token").asText();
      assertThat(token).hasSizeGreaterThanOrEqualTo(43);
      assertThat(s.reportTokenSha256).isEqualTo(RunReports.sha256Hex(token));
      assertThat(ResourceCodec.toJson(run(id))).doesNotContain(token);
    }

    // Every slot is taken: a fourth run waits for one.
    String fourth = startRun();
    await().atMost(PATIENCE).until(() -> "AgentsBusy".equals(readyReason(run(fourth))));
    assertThat(run(fourth).getStatus().phase).isEqualTo("Pending");

    String first = ids.get(0);
    FakeAgent agent = big.assignments.containsKey(first) ? big : small;
    assertThat(agent.report(first, "Running", logs("test", "ok 1\n"), null)).isEqualTo(200);
    assertThat(run(first).getStatus().phase).isEqualTo("Running");
    assertThat(run(first).getStatus().startedAt).isNotNull();
    assertThat(agent.report(first, "Succeeded", logs("build", "built\n"), 0)).isEqualTo(200);
    JobRunStatus done = run(first).getStatus();
    assertThat(done.phase).isEqualTo("Succeeded");
    assertThat(done.commit).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(done.steps).extracting(st -> st.exitCode).containsExactly(0, 0);
    // Finished: a repeated report is answered 410.
    assertThat(agent.report(first, "Succeeded", List.of(), 0)).isEqualTo(410);

    CliRun.Result logs = gryt.run("cloud", "runs", "logs", first);
    assertThat(logs.exitCode()).as(logs.err()).isZero();
    assertThat(logs.outLines()).containsExactly("==> step test", "ok 1", "==> step build", "built");

    // The slot it freed goes to the waiting run.
    await().atMost(PATIENCE).until(() -> agent.assignments.containsKey(fourth));
    assertThat(run(fourth).getStatus().agent).isEqualTo(agent.url().toString());
  }

  @Test
  void aSilentAgentLosesItsRunToTheOtherAndItsLateReportsAreRefused() throws Exception {
    String id = startRun();
    await().atMost(PATIENCE).until(() -> holderOf(id).isPresent());
    FakeAgent lost = holderOf(id).orElseThrow();
    FakeAgent other = lost == big ? small : big;
    JsonNode firstAttempt = lost.assignments.get(id);
    assertThat(lost.report(id, "Running", logs("test", "started\n"), null)).isEqualTo(200);

    lost.vanish();
    await().atMost(PATIENCE).until(() -> other.assignments.containsKey(id));
    JobRunStatus moved = run(id).getStatus();
    assertThat(moved.attempt).isEqualTo(2);
    assertThat(moved.agent).isEqualTo(other.url().toString());
    assertThat(other.assignments.get(id).path("attempt").asInt()).isEqualTo(2);

    // The dead agent's last breath: its old attempt is stale, whatever it says.
    assertThat(lost.report(firstAttempt, "Succeeded", logs("test", "late\n"), 0)).isEqualTo(409);
    assertThat(run(id).getStatus().phase).isEqualTo("Scheduled");

    assertThat(other.report(id, "Succeeded", logs("test", "again\n"), 0)).isEqualTo(200);
    assertThat(lost.report(firstAttempt, "Failed", List.of(), 1)).isEqualTo(409);
    JobRunStatus done = run(id).getStatus();
    assertThat(done.phase).isEqualTo("Succeeded");
    assertThat(done.attempt).isEqualTo(2);
    assertThat(store.runLogs().read("default", run(id).getMetadata().getName(), 0, 100))
        .extracting(LogChunk::text, LogChunk::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("started\n", 1),
            org.assertj.core.groups.Tuple.tuple("again\n", 2));
  }

  @Test
  void aRunFailsWhenItsLastAttemptIsLost() {
    String id = startRun();
    await().atMost(PATIENCE).until(() -> holderOf(id).isPresent());
    FakeAgent first = holderOf(id).orElseThrow();
    FakeAgent second = first == big ? small : big;
    first.vanish();
    await().atMost(PATIENCE).until(() -> second.assignments.containsKey(id));
    second.vanish();

    await().atMost(PATIENCE).until(() -> "Failed".equals(run(id).getStatus().phase));
    JobRunStatus s = run(id).getStatus();
    assertThat(s.attempt).isEqualTo(2);
    assertThat(s.condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.AGENT_LOST.value());
  }

  @Test
  void cancelReachesTheAgentAndItsNextReportIsTurnedAway() throws Exception {
    String id = startRun();
    await().atMost(PATIENCE).until(() -> holderOf(id).isPresent());
    FakeAgent agent = holderOf(id).orElseThrow();
    assertThat(agent.report(id, "Running", List.of(), null)).isEqualTo(200);

    CliRun.Result cancelled = gryt.run("cloud", "runs", "cancel", id);
    assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();

    await().atMost(PATIENCE).until(() -> agent.cancels.contains(id));
    await().atMost(PATIENCE).until(() -> "Cancelled".equals(run(id).getStatus().phase));
    assertThat(agent.report(id, "Running", List.of(), null)).isEqualTo(410);
  }

  @Test
  void logsAreCappedPerStepAndFollowedUntilTheRunEnds() throws Exception {
    String id = startRun();
    await().atMost(PATIENCE).until(() -> holderOf(id).isPresent());
    FakeAgent agent = holderOf(id).orElseThrow();
    try (CliRun.Background follow = gryt.start("cloud", "runs", "logs", id, "-f")) {
      String sixty = "x".repeat(59) + "\n";
      assertThat(agent.report(id, "Running", logs("test", sixty), null)).isEqualTo(200);
      await().atMost(PATIENCE).until(() -> follow.outLines().contains(sixty.strip()));
      assertThat(agent.report(id, "Running", logs("test", sixty, "build", "b\n"), null))
          .isEqualTo(200);
      assertThat(agent.report(id, "Failed", logs("test", "dropped\n"), 2)).isEqualTo(200);
      follow.thread().join(PATIENCE.toMillis());
      assertThat(follow.exitCode().get()).isZero();
      List<String> lines = follow.outLines();
      assertThat(lines.get(0)).isEqualTo("==> step test");
      assertThat(String.join("\n", lines))
          .contains("[gryt: the log of step test is truncated at 100 characters]")
          .doesNotContain("dropped");
      assertThat(lines).contains("==> step build", "b").endsWith("==> run " + id + " Failed");
    }
    List<LogChunk> stored =
        store.runLogs().read("default", run(id).getMetadata().getName(), 0, 100);
    assertThat(stored.stream().filter(c -> c.step().equals("test") && !c.truncated()))
        .extracting(c -> c.text().length())
        .containsExactly(60, 40);
    assertThat(run(id).getStatus().condition(Condition.SUCCEEDED).orElseThrow().message)
        .isEqualTo("step test exited with code 2");
  }

  // ---------------------------------------------------------------- helpers

  /** Log lines of a report: step, text, step, text, ... */
  static List<String[]> logs(String... stepsAndTexts) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < stepsAndTexts.length; i += 2) {
      out.add(new String[] {stepsAndTexts[i], stepsAndTexts[i + 1]});
    }
    return out;
  }

  String startRun() {
    CliRun.Result started = gryt.run("cloud", "jobs", "run", "my-app-ci");
    assertThat(started.exitCode()).as(started.err()).isZero();
    return started.out().split(" ")[0];
  }

  Optional<FakeAgent> holderOf(String id) {
    List<FakeAgent> holders = new ArrayList<>();
    for (FakeAgent a : List.of(big, small)) {
      if (a.assignments.containsKey(id)) {
        holders.add(a);
      }
    }
    return holders.size() == 1 ? Optional.of(holders.get(0)) : Optional.empty();
  }

  JobRun run(String id) {
    return store.list(JobRun.class, null, Map.of()).stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  static String readyReason(GrytResource<?, ?> resource) {
    return Optional.ofNullable(resource.getStatus())
        .flatMap(s -> s.condition(Condition.READY))
        .map(c -> c.reason)
        .orElse(null);
  }
}
