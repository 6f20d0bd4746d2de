package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.Tenancy;
import dev.gryt.crds.agent.RunReports;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions of placing runs on agents, without I/O ({@link
 * dev.gryt.operator.agents.JobRunDispatcher} does the reading, writing and HTTP): which waiting run
 * goes to which agent, the status of a placement (an attempt epoch, the agent, a lease), when a
 * lease is lost and what becomes of the run then.
 *
 * <p>A run waits ({@code Pending}) with one of {@link #WAITING_REASONS} once {@link
 * JobRunReconciler} let it go ahead under its Job's concurrency rules. Each placement is attempt
 * {@code n + 1}; a report renews the lease ({@code heartbeat_at}); a run whose agent stays silent
 * for the lease is taken back: placed again as the next attempt, or failed after {@code
 * maxAttempts}.
 */
public final class Placement {
  /** Reasons of a Pending run that may be placed. */
  public static final Set<JobRunReason> WAITING_REASONS =
      EnumSet.of(
          JobRunReason.NO_AGENT,
          JobRunReason.AGENTS_BUSY,
          JobRunReason.NO_ISOLATING_AGENT,
          JobRunReason.AGENT_LOST,
          JobRunReason.AGENT_UNAVAILABLE);

  /** The reasons {@link #stillWaiting} chooses among. */
  private static final Set<JobRunReason> AGENT_WAITS =
      EnumSet.of(JobRunReason.NO_AGENT, JobRunReason.AGENTS_BUSY, JobRunReason.NO_ISOLATING_AGENT);

  /** The waiting reason a stored condition carries, if it is one. */
  public static Optional<JobRunReason> waitingReason(Condition condition) {
    return JobRunReason.parse(condition.reason).filter(WAITING_REASONS::contains);
  }

  /**
   * An agent as its latest health check saw it; {@code isolates}: its runner may run a tenant's
   * steps (an agent that does not say so does not).
   */
  public record Agent(String name, boolean healthy, int capacity, int running, boolean isolates) {
    /** An agent whose runner does not isolate: it takes only the admin's runs. */
    public Agent(String name, boolean healthy, int capacity, int running) {
      this(name, healthy, capacity, running, false);
    }

    /** Whether {@code run} may go here at all: a tenant's run only to an isolating agent. */
    public boolean mayRun(JobRun run) {
      return isolates || Tenancy.isAdminNamespace(run.getMetadata().getNamespace());
    }
  }

  /** How long a lease lasts without a report, and how many placements a run gets. */
  public record Settings(Duration lease, int maxAttempts) {
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(15), 3);
  }

  /** A waiting run and the agent it goes to, as attempt {@code attempt}. */
  public record Assignment(JobRun run, String agent, int attempt) {}

  private Placement() {}

  public static boolean placed(JobRunStatus status) {
    return status != null && JobRunPhase.placed(status.phase);
  }

  /** Whether a run waits for an agent and may get one now. */
  public static boolean waiting(JobRun run) {
    JobRunStatus status = run.getStatus();
    return status != null
        && JobRunPhase.PENDING.value().equals(status.phase)
        && !Boolean.TRUE.equals(run.getSpec().cancelRequested)
        && status.condition(Condition.READY).map(c -> waitingReason(c).isPresent()).orElse(false);
  }

  /**
   * Which waiting runs go where, oldest first: each to the healthy agent with a free slot that is
   * least loaded (by share of its capacity, then by count, then by name). An agent's load is the
   * larger of what it says it runs and the runs placed on it here, so a run placed a moment ago
   * counts before the agent's next health check does. A tenant's run goes only to an agent that
   * isolates steps ({@link Agent#mayRun}); one that finds none does not hold up the admin's runs
   * behind it.
   */
  public static List<Assignment> assign(List<JobRun> runs, List<Agent> agents) {
    Map<String, Integer> load = new HashMap<>();
    for (JobRun run : runs) {
      if (placed(run.getStatus()) && run.getStatus().agent != null) {
        load.merge(run.getStatus().agent, 1, Integer::sum);
      }
    }
    for (Agent agent : agents) {
      load.merge(agent.name(), agent.running(), Math::max);
    }
    List<Assignment> out = new ArrayList<>();
    List<JobRun> waiting =
        runs.stream().filter(Placement::waiting).sorted(RunPolicy.CREATION_ORDER).toList();
    for (JobRun run : waiting) {
      Optional<Agent> best =
          agents.stream()
              .filter(
                  a ->
                      a.healthy() && a.mayRun(run) && a.capacity() > load.getOrDefault(a.name(), 0))
              .min(
                  Comparator.comparingDouble(
                          (Agent a) -> load.getOrDefault(a.name(), 0) / (double) a.capacity())
                      .thenComparingInt(a -> load.getOrDefault(a.name(), 0))
                      .thenComparing(Agent::name));
      if (best.isEmpty()) {
        // no slot for this run; younger runs of the same kind find none either
        continue;
      }
      load.merge(best.get().name(), 1, Integer::sum);
      out.add(new Assignment(run, best.get().name(), nextAttempt(run)));
    }
    return out;
  }

  /**
   * What a waiting run that got no agent in this pass should say about it: {@code AgentsBusy} while
   * some agent that may run it is healthy but none has a free slot, {@code NoIsolatingAgent} for a
   * tenant's run while agents are healthy but none isolates steps, {@code NoAgent} while none is
   * healthy. Empty when its status already says so, or says something more telling (its agent was
   * lost, or refused it).
   */
  public static Optional<JobRunStatus> stillWaiting(JobRun run, List<Agent> agents, Instant now) {
    JobRunStatus before = run.getStatus();
    Optional<Condition> ready =
        before == null ? Optional.empty() : before.condition(Condition.READY);
    if (ready.isEmpty()
        || JobRunReason.parse(ready.get().reason).filter(AGENT_WAITS::contains).isEmpty()) {
      return Optional.empty();
    }
    long healthy = agents.stream().filter(Agent::healthy).count();
    long usable = agents.stream().filter(a -> a.healthy() && a.mayRun(run)).count();
    JobRunReason reason;
    String message;
    if (usable > 0) {
      reason = JobRunReason.AGENTS_BUSY;
      message =
          "every slot of the "
              + (usable == 1 ? "healthy agent" : usable + " healthy agents")
              + (usable == healthy
                  ? ""
                  : usable == 1 ? " that isolates steps" : " that isolate steps")
              + " is taken; waiting for one to free up";
    } else if (healthy > 0) {
      reason = JobRunReason.NO_ISOLATING_AGENT;
      message =
          "no agent isolates steps ("
              + healthy
              + " healthy, whose runners run only the admin's own namespaces): a tenant's run"
              + " waits for an agent with the container runner (podman with --userns auto) or"
              + " the sandbox";
    } else {
      reason = JobRunReason.NO_AGENT;
      message = "no agent is healthy (" + agents.size() + " configured); waiting for one to answer";
    }
    if (reason.is(ready.get().reason) && message.equals(ready.get().message)) {
      return Optional.empty();
    }
    JobRunStatus status = copy(before);
    status.conditions =
        Conditions.of(run, now)
            .set(Condition.SUCCEEDED, "Unknown", reason, message)
            .set(Condition.READY, false, reason, message)
            .build();
    return Optional.of(status);
  }

  public static int nextAttempt(JobRun run) {
    Integer attempt = run.getStatus() == null ? null : run.getStatus().attempt;
    return attempt == null ? 1 : attempt + 1;
  }

  /** The status of a run just placed: Scheduled on {@code agent}, its lease starting now. */
  public static JobRunStatus placedOn(
      JobRun run, String agent, int attempt, String tokenSha256, Instant now) {
    JobRunStatus status = copy(run.getStatus());
    status.phase = JobRunPhase.SCHEDULED.value();
    status.agent = agent;
    status.attempt = attempt;
    status.heartbeatAt = now.toString();
    status.reportTokenSha256 = tokenSha256;
    String message = "placed on " + agent + " (attempt " + attempt + ")";
    status.conditions =
        Conditions.of(run, now)
            .set(Condition.SUCCEEDED, "Unknown", JobRunReason.SCHEDULED, message)
            .set(Condition.READY, false, JobRunReason.SCHEDULED, message)
            .build();
    return status;
  }

  /** When a placed run's lease ends unless its agent reports before. */
  public static Instant leaseEnd(JobRun run, Settings settings) {
    return Instant.parse(run.getStatus().heartbeatAt).plus(settings.lease());
  }

  public static boolean leaseLost(JobRun run, Instant now, Settings settings) {
    return placed(run.getStatus())
        && run.getStatus().heartbeatAt != null
        && !now.isBefore(leaseEnd(run, settings));
  }

  /**
   * A run whose agent went silent: waiting again (reason {@code AgentLost}) for its next attempt,
   * or {@code Failed} when it had {@code maxAttempts} already. Its old attempt's reports are
   * refused from now on.
   */
  public static JobRunStatus takenBack(JobRun run, Instant now, Settings settings) {
    JobRunStatus before = run.getStatus();
    JobRunStatus status = copy(before);
    String lost =
        "agent "
            + before.agent
            + " did not report for "
            + settings.lease().toSeconds()
            + "s during attempt "
            + before.attempt;
    status.agent = null;
    status.reportTokenSha256 = null;
    status.heartbeatAt = null;
    Conditions conditions = Conditions.of(run, now);
    if (before.attempt != null && before.attempt >= settings.maxAttempts()) {
      status.phase = JobRunPhase.FAILED.value();
      status.finishedAt = now.toString();
      String message = lost + ", its last of " + settings.maxAttempts();
      conditions.set(Condition.SUCCEEDED, false, JobRunReason.AGENT_LOST, message);
      conditions.set(Condition.READY, false, JobRunReason.AGENT_LOST, message);
    } else {
      status.phase = JobRunPhase.PENDING.value();
      String message = lost + "; waiting to be placed again";
      conditions.set(Condition.SUCCEEDED, "Unknown", JobRunReason.AGENT_LOST, message);
      conditions.set(Condition.READY, false, JobRunReason.AGENT_LOST, message);
    }
    status.conditions = conditions.build();
    return status;
  }

  /**
   * A placement the agent turned down before starting anything (busy, unreachable): the run waits
   * again and its attempt number is given back, since no report can carry it.
   */
  public static JobRunStatus refused(JobRun run, String why, Instant now) {
    JobRunStatus status = copy(run.getStatus());
    status.phase = JobRunPhase.PENDING.value();
    status.attempt = status.attempt == null || status.attempt <= 1 ? null : status.attempt - 1;
    status.agent = null;
    status.reportTokenSha256 = null;
    status.heartbeatAt = null;
    status.conditions =
        Conditions.of(run, now)
            .set(Condition.SUCCEEDED, "Unknown", JobRunReason.AGENT_UNAVAILABLE, why)
            .set(Condition.READY, false, JobRunReason.AGENT_UNAVAILABLE, why)
            .build();
    return status;
  }

  /** A run that cannot be sent to any agent (its Job's pipeline or repository is not there). */
  public static JobRunStatus unplaceable(
      JobRun run, JobRunReason reason, String message, Instant now) {
    JobRunStatus status = copy(run.getStatus());
    status.phase = JobRunPhase.FAILED.value();
    status.finishedAt = now.toString();
    status.conditions =
        Conditions.of(run, now)
            .set(Condition.SUCCEEDED, false, reason, message)
            .set(Condition.READY, false, reason, message)
            .build();
    return status;
  }

  /**
   * Whether a run that was on an agent ended on the server's side (cancelled, timed out, its Job
   * gone, replaced) rather than by the agent's own report: then the agent must be told to stop.
   */
  public static boolean endedByServer(JobRun run) {
    JobRunStatus status = run.getStatus();
    return status != null && JobRunPhase.terminal(status.phase) && !RunReports.endedByAgent(status);
  }

  private static JobRunStatus copy(JobRunStatus status) {
    return status == null
        ? new JobRunStatus()
        : ResourceCodec.json().convertValue(status, JobRunStatus.class);
  }
}
