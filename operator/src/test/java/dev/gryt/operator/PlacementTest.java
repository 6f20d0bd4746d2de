package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Placement.Settings SETTINGS = new Placement.Settings(Duration.ofSeconds(15), 2);

  @Test
  void placesWaitingRunsOldestFirstOnTheLeastLoadedHealthyAgentWithRoom() {
    List<JobRun> runs =
        List.of(
            waiting("c", 3),
            waiting("a", 1),
            waiting("b", 2),
            placed("busy", "http://a1", 1),
            finished("old", "http://a2"));
    List<Placement.Agent> agents =
        List.of(
            new Placement.Agent("http://a1", true, 2, 1),
            new Placement.Agent("http://a2", true, 4, 0),
            new Placement.Agent("http://down", false, 8, 0));

    List<Placement.Assignment> out = Placement.assign(runs, agents);

    // a1 holds 1 of 2, a2 0 of 4: a goes to a2 (0 < 1/2), b too (1/4 < 1/2); for c both are
    // half full, and a1 runs fewer.
    assertThat(out)
        .extracting(a -> a.run().getMetadata().getName() + "@" + a.agent() + "#" + a.attempt())
        .containsExactly("a@http://a2#1", "b@http://a2#1", "c@http://a1#1");
  }

  @Test
  void placesNothingWithoutAFreeSlotAndCountsWhatTheAgentSaysItRuns() {
    List<JobRun> runs = List.of(waiting("a", 1), placed("p", "http://a1", 1));

    assertThat(Placement.assign(runs, List.of(new Placement.Agent("http://a1", true, 1, 0))))
        .isEmpty();
    assertThat(
            Placement.assign(
                List.of(waiting("a", 1)), List.of(new Placement.Agent("http://a1", true, 2, 2))))
        .isEmpty();
    assertThat(Placement.assign(List.of(waiting("a", 1)), List.of())).isEmpty();
  }

  @Test
  void aRunWithoutAFreeSlotSaysWhetherAgentsAreBusyOrNoneIsHealthy() {
    JobRun run = waiting("a", 1);
    List<Placement.Agent> busy =
        List.of(
            new Placement.Agent("http://a1", true, 1, 1),
            new Placement.Agent("http://down", false, 0, 0));

    JobRunStatus s = Placement.stillWaiting(run, busy, T0).orElseThrow();
    assertThat(s.phase).isEqualTo("Pending");
    assertThat(s.condition(Condition.READY).orElseThrow().reason).isEqualTo("AgentsBusy");
    assertThat(s.condition(Condition.SUCCEEDED).orElseThrow().reason).isEqualTo("AgentsBusy");
    assertThat(s.condition(Condition.READY).orElseThrow().message)
        .isEqualTo("every slot of the healthy agent is taken; waiting for one to free up");
    run.setStatus(s);
    // Said once: nothing to write while it stays so; a busy run still waits for placement.
    assertThat(Placement.stillWaiting(run, busy, T0.plusSeconds(5))).isEmpty();
    assertThat(Placement.waiting(run)).isTrue();

    JobRunStatus none =
        Placement.stillWaiting(run, List.of(new Placement.Agent("http://down", false, 0, 0)), T0)
            .orElseThrow();
    assertThat(none.condition(Condition.READY).orElseThrow().reason).isEqualTo("NoAgent");
    assertThat(none.condition(Condition.READY).orElseThrow().message)
        .isEqualTo("no agent is healthy (1 configured); waiting for one to answer");

    JobRun lost = waiting("b", 2);
    lost.getStatus().conditions.get(0).reason = JobRunReason.AGENT_LOST.value();
    assertThat(Placement.stillWaiting(lost, busy, T0)).isEmpty();
  }

  @Test
  void onlyRunsLetGoByTheReconcilerWait() {
    JobRun limited = waiting("a", 1);
    limited.getStatus().conditions.get(0).reason = JobRunReason.CONCURRENCY_LIMIT.value();
    JobRun cancelled = waiting("b", 2);
    cancelled.getSpec().cancelRequested = true;
    JobRun fresh = run("c", 3);

    assertThat(Placement.waiting(limited)).isFalse();
    assertThat(Placement.waiting(cancelled)).isFalse();
    assertThat(Placement.waiting(fresh)).isFalse();
    assertThat(Placement.waiting(waiting("d", 4))).isTrue();
  }

  @Test
  void aPlacementIsTheNextAttemptWithALeaseFromNow() {
    JobRun run = waiting("a", 1);
    run.getStatus().attempt = 1;

    JobRunStatus s = Placement.placedOn(run, "http://a1", Placement.nextAttempt(run), "abc", T0);

    assertThat(s.phase).isEqualTo("Scheduled");
    assertThat(s.attempt).isEqualTo(2);
    assertThat(s.agent).isEqualTo("http://a1");
    assertThat(s.reportTokenSha256).isEqualTo("abc");
    assertThat(s.condition(Condition.READY).orElseThrow().reason)
        .isEqualTo(JobRunReason.SCHEDULED.value());
    run.setStatus(s);
    assertThat(Placement.leaseEnd(run, SETTINGS)).isEqualTo(T0.plusSeconds(15));
    assertThat(Placement.leaseLost(run, T0.plusSeconds(14), SETTINGS)).isFalse();
    assertThat(Placement.leaseLost(run, T0.plusSeconds(15), SETTINGS)).isTrue();
  }

  @Test
  void aLostLeaseWaitsForTheNextAttemptThenFailsAfterTheLast() {
    JobRun first = placed("a", "http://a1", 1);
    JobRunStatus again = Placement.takenBack(first, T0.plusSeconds(15), SETTINGS);

    assertThat(again.phase).isEqualTo("Pending");
    assertThat(again.attempt).isEqualTo(1);
    assertThat(again.agent).isNull();
    assertThat(again.reportTokenSha256).isNull();
    first.setStatus(again);
    assertThat(Placement.waiting(first)).isTrue();
    assertThat(Placement.nextAttempt(first)).isEqualTo(2);

    JobRunStatus failed =
        Placement.takenBack(placed("b", "http://a1", 2), T0.plusSeconds(15), SETTINGS);
    assertThat(failed.phase).isEqualTo("Failed");
    assertThat(failed.finishedAt).isEqualTo(T0.plusSeconds(15).toString());
    assertThat(failed.condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.AGENT_LOST.value());
  }

  @Test
  void aRefusedPlacementGivesItsAttemptBack() {
    JobRunStatus s = Placement.refused(placed("a", "http://a1", 2), "busy", T0);

    assertThat(s.phase).isEqualTo("Pending");
    assertThat(s.attempt).isEqualTo(1);
    assertThat(s.condition(Condition.READY).orElseThrow().reason)
        .isEqualTo(JobRunReason.AGENT_UNAVAILABLE.value());
  }

  @Test
  void theAgentIsToldToStopOnlyForEndingsOfTheServer() {
    JobRun byAgent = finished("a", "http://a1");
    JobRun cancelled = finished("b", "http://a1");
    cancelled.getStatus().conditions.get(0).reason = JobRunReason.CANCELLED.value();

    assertThat(Placement.endedByServer(byAgent)).isFalse();
    assertThat(Placement.endedByServer(cancelled)).isTrue();
    assertThat(Placement.endedByServer(placed("c", "http://a1", 1))).isFalse();
  }

  @Test
  void theReconcilerLeavesAPlacedRunToItsAgentButStillCancelsIt() {
    ReconcilersTest.MapLookup lookup = new ReconcilersTest.MapLookup();
    lookup.add(ReconcilersTest.job("j", "p", null));
    JobRun run = placed("a", "http://a1", 1);
    JobRunReconciler reconciler = new JobRunReconciler();

    Outcome<JobRunStatus> kept = reconciler.reconcile(run, lookup, T0.plusSeconds(5));
    assertThat(kept.status().phase).isEqualTo("Running");
    assertThat(kept.status().agent).isEqualTo("http://a1");
    assertThat(kept.status().reportTokenSha256).isEqualTo("hash");

    run.getSpec().cancelRequested = true;
    Outcome<JobRunStatus> cancelled = reconciler.reconcile(run, lookup, T0.plusSeconds(5));
    assertThat(cancelled.status().phase).isEqualTo("Cancelled");
    assertThat(cancelled.status().attempt).isEqualTo(1);
    run.setStatus(cancelled.status());
    assertThat(Placement.endedByServer(run)).isTrue();
  }

  @Test
  void theReconcilerKeepsTheReasonARunWaitsWith() {
    ReconcilersTest.MapLookup lookup = new ReconcilersTest.MapLookup();
    lookup.add(ReconcilersTest.job("j", "p", null));
    JobRun run = run("a", 1);
    run.setStatus(Placement.takenBack(placed("a", "http://a1", 1), T0, SETTINGS));

    Outcome<JobRunStatus> o = new JobRunReconciler().reconcile(run, lookup, T0.plusSeconds(1));

    assertThat(o.status().condition(Condition.READY).orElseThrow().reason)
        .isEqualTo(JobRunReason.AGENT_LOST.value());
    assertThat(o.status().attempt).isEqualTo(1);
  }

  static JobRun run(String name, int second) {
    JobRun run = new JobRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("default")
            .withName(name)
            .withGeneration(1L)
            .withCreationTimestamp(T0.plusSeconds(second).toString())
            .withLabels(Map.of("gryt.io/id", "run-" + name))
            .build());
    JobRunSpec spec = new JobRunSpec();
    spec.jobName = "j";
    run.setSpec(spec);
    return run;
  }

  @Test
  void aTenantsRunGoesOnlyToAnAgentThatIsolatesAndHoldsUpNoAdminRun() {
    JobRun tenant = inNamespace(waiting("t", 1), "t1a2b3c4d-default");
    JobRun admin = waiting("a", 2);
    List<Placement.Agent> agents =
        List.of(
            new Placement.Agent("http://process", true, 4, 0, false),
            new Placement.Agent("http://podman", true, 1, 0, true));

    assertThat(Placement.assign(List.of(tenant, admin), agents))
        .extracting(a -> a.run().getMetadata().getName() + "@" + a.agent())
        .containsExactly("t@http://podman", "a@http://process");
    // with only the process runner, the tenant's run gets nothing and the admin's still goes
    assertThat(Placement.assign(List.of(tenant, admin), agents.subList(0, 1)))
        .extracting(a -> a.run().getMetadata().getName() + "@" + a.agent())
        .containsExactly("a@http://process");
  }

  @Test
  void aTenantsRunWithOnlyNonIsolatingAgentsStaysPendingSayingSo() {
    JobRun tenant = inNamespace(waiting("t", 1), "g0011aabb-ci");
    List<Placement.Agent> processOnly =
        List.of(
            new Placement.Agent("http://process", true, 4, 0, false),
            new Placement.Agent("http://down", false, 0, 0, true));

    JobRunStatus s = Placement.stillWaiting(tenant, processOnly, T0).orElseThrow();

    assertThat(s.phase).isEqualTo("Pending");
    Condition ready = s.condition(Condition.READY).orElseThrow();
    assertThat(ready.reason).isEqualTo("NoIsolatingAgent");
    assertThat(ready.message)
        .isEqualTo(
            "no agent isolates steps (1 healthy, whose runners run only the admin's own"
                + " namespaces): a tenant's run waits for an agent with the container runner"
                + " (podman with --userns auto) or the sandbox");
    assertThat(s.condition(Condition.SUCCEEDED).orElseThrow().reason).isEqualTo("NoIsolatingAgent");
    tenant.setStatus(s);
    assertThat(Placement.waiting(tenant)).isTrue();
    assertThat(Placement.stillWaiting(tenant, processOnly, T0.plusSeconds(5))).isEmpty();
    // an isolating agent comes up: it is placed, and while that one is full it is merely busy
    List<Placement.Agent> withPodman =
        List.of(
            new Placement.Agent("http://process", true, 4, 0, false),
            new Placement.Agent("http://podman", true, 1, 1, true));
    assertThat(Placement.assign(List.of(tenant), withPodman)).isEmpty();
    Condition busy =
        Placement.stillWaiting(tenant, withPodman, T0)
            .orElseThrow()
            .condition(Condition.READY)
            .orElseThrow();
    assertThat(busy.reason).isEqualTo("AgentsBusy");
    assertThat(busy.message)
        .isEqualTo(
            "every slot of the healthy agent that isolates steps is taken; waiting for one to"
                + " free up");
    // an admin's run on the same agents is never told about isolation
    assertThat(
            Placement.stillWaiting(waiting("a", 1), processOnly.subList(0, 1), T0)
                .orElseThrow()
                .condition(Condition.READY)
                .orElseThrow()
                .reason)
        .isEqualTo("AgentsBusy");
  }

  @Test
  void anAgentThatDoesNotSayItIsolatesIsTakenNotTo() {
    assertThat(new Placement.Agent("http://old", true, 1, 0).isolates()).isFalse();
  }

  static JobRun inNamespace(JobRun run, String namespace) {
    run.getMetadata().setNamespace(namespace);
    return run;
  }

  static JobRun waiting(String name, int second) {
    JobRun run = run(name, second);
    JobRunStatus s = new JobRunStatus();
    s.phase = "Pending";
    s.conditions =
        new java.util.ArrayList<>(
            List.of(
                new Condition(Condition.READY, "False", JobRunReason.NO_AGENT.value(), "waiting"),
                new Condition(
                    Condition.SUCCEEDED, "Unknown", JobRunReason.NO_AGENT.value(), "waiting")));
    run.setStatus(s);
    return run;
  }

  static JobRun placed(String name, String agent, int attempt) {
    JobRun run = run(name, 0);
    JobRunStatus s = new JobRunStatus();
    s.phase = "Running";
    s.agent = agent;
    s.attempt = attempt;
    s.heartbeatAt = T0.toString();
    s.reportTokenSha256 = "hash";
    run.setStatus(s);
    return run;
  }

  static JobRun finished(String name, String agent) {
    JobRun run = run(name, 0);
    JobRunStatus s = new JobRunStatus();
    s.phase = "Succeeded";
    s.agent = agent;
    s.attempt = 1;
    s.conditions =
        new java.util.ArrayList<>(
            List.of(
                new Condition(
                    Condition.SUCCEEDED, "True", JobRunReason.SUCCEEDED.value(), "every step")));
    run.setStatus(s);
    return run;
  }
}
