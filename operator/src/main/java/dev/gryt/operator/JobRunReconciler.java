package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.RunResolver;
import dev.gryt.crds.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The lifecycle of a run up to placement: {@code Pending} (reason {@code NoAgent} until agents
 * exist, {@code ConcurrencyLimit} while its Job's {@code max_concurrent_runs} are taken), and the
 * endings that need no agent: {@code Cancelled} on request, when its Job is gone, when its Job
 * forbids concurrent runs ({@code ConcurrencyForbidden}) or a newer run replaces it ({@code
 * Replaced}); {@code TimedOut} at its deadline (counted from creation, waiting included). Finished
 * runs never change. The concurrency rules are {@link RunPolicy}'s, read from the sibling runs in
 * the lookup; the drivers re-reconcile a run when a sibling changes.
 */
public final class JobRunReconciler implements Reconciler<JobRun, JobRunStatus> {
  /**
   * The Job a run names; that Job's Pipeline and GitHubRepo (its timeout and checkout), whose
   * changes wake no run; and its sibling runs, of which a change wakes only the runs {@link
   * RunPolicy#affectedBy} names: queuing every unfinished sibling on every run change made a burst
   * of N webhook runs cost N² reconciles.
   */
  @Override
  public List<Reference<JobRun, ?>> references() {
    return List.of(
        Reference.byName(JobRun.class, Job.class, run -> run.getSpec().jobName),
        Reference.readOnly(JobRun.class, Pipeline.class),
        Reference.readOnly(JobRun.class, GitHubRepo.class),
        Reference.shared(
                JobRun.class,
                JobRun.class,
                run -> run.getSpec().jobName,
                sibling -> sibling.getSpec().jobName)
            .narrowedBy(JobRunReconciler::affectedSiblings));
  }

  /** Under plain allow no sibling matters, and the siblings are not even listed. */
  private static List<JobRun> affectedSiblings(
      JobRun changed, boolean gone, Supplier<List<JobRun>> siblings, Lookup lookup) {
    return lookup
        .get(Job.class, changed.getMetadata().getNamespace(), changed.getSpec().jobName)
        .filter(RunPolicy::needsSiblings)
        .map(job -> RunPolicy.affectedBy(changed, gone, job, siblings.get()))
        .orElse(List.of());
  }

  public static boolean finished(JobRun run) {
    return run.getStatus() != null && JobRunPhase.terminal(run.getStatus().phase);
  }

  @Override
  public Outcome<JobRunStatus> reconcile(JobRun run, Lookup lookup, Instant now) {
    if (finished(run)) {
      return Outcome.of(run.getStatus());
    }
    String ns = run.getMetadata().getNamespace();
    JobRunStatus status = copyOf(run.getStatus());
    status.observedGeneration = run.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(run, now);
    Optional<Job> job = lookup.get(Job.class, ns, run.getSpec().jobName);
    Optional<Pipeline> pipeline =
        job.flatMap(j -> lookup.get(Pipeline.class, ns, j.getSpec().pipelineName));
    Instant deadline = created(run, now).plus(RunResolver.timeout(run, pipeline.orElse(null)));

    if (Boolean.TRUE.equals(run.getSpec().cancelRequested)) {
      finish(
          status,
          conditions,
          JobRunPhase.CANCELLED,
          JobRunReason.CANCELLED,
          "cancelled on request",
          now);
    } else if (job.isEmpty()) {
      finish(
          status,
          conditions,
          JobRunPhase.CANCELLED,
          JobRunReason.JOB_DELETED,
          "job " + run.getSpec().jobName + " no longer exists",
          now);
    } else if (!now.isBefore(deadline)) {
      finish(
          status,
          conditions,
          JobRunPhase.TIMED_OUT,
          JobRunReason.TIMED_OUT,
          "run did not finish by its deadline " + deadline,
          now);
    } else {
      RunPolicy.Verdict verdict =
          RunPolicy.decide(
              run,
              job.get(),
              // Under plain allow no sibling matters: a burst of runs must not read every run each.
              RunPolicy.needsSiblings(job.get())
                  ? RunPolicy.runsOf(run.getSpec().jobName, lookup.list(JobRun.class, ns))
                  : List.of());
      switch (verdict) {
        case REPLACED ->
            finish(
                status,
                conditions,
                JobRunPhase.CANCELLED,
                JobRunReason.REPLACED,
                "replaced by a newer run of job " + run.getSpec().jobName,
                now);
        case FORBIDDEN ->
            finish(
                status,
                conditions,
                JobRunPhase.CANCELLED,
                JobRunReason.CONCURRENCY_FORBIDDEN,
                "job "
                    + run.getSpec().jobName
                    + " forbids concurrent runs and another run is active",
                now);
        case WAIT -> {
          return pending(
              status,
              conditions,
              JobRunReason.CONCURRENCY_LIMIT,
              "waiting for one of the "
                  + job.get().getSpec().maxConcurrentRuns
                  + " concurrent runs of job "
                  + run.getSpec().jobName
                  + " to finish",
              now,
              deadline);
        }
        case PROCEED -> {
          if (Placement.placed(status)) {
            // On an agent: its reports and the dispatcher move it on; the deadline still holds.
            status.conditions = run.getStatus().conditions;
            return new Outcome<>(status, Duration.between(now, deadline));
          }
          Optional<Condition> waiting =
              status.condition(Condition.READY).filter(c -> Placement.waitingReason(c).isPresent());
          return waiting.isPresent()
              ? pending(
                  status,
                  conditions,
                  Placement.waitingReason(waiting.get()).orElseThrow(),
                  waiting.get().message,
                  now,
                  deadline)
              : pending(
                  status, conditions, JobRunReason.NO_AGENT, "waiting for an agent", now, deadline);
        }
      }
    }
    status.conditions = conditions.build();
    return Outcome.of(status);
  }

  private static Outcome<JobRunStatus> pending(
      JobRunStatus status,
      Conditions conditions,
      JobRunReason reason,
      String message,
      Instant now,
      Instant deadline) {
    status.phase = JobRunPhase.PENDING.value();
    conditions.set(Condition.SUCCEEDED, "Unknown", reason, message);
    conditions.set(Condition.READY, "False", reason, message);
    status.conditions = conditions.build();
    return new Outcome<>(status, Duration.between(now, deadline));
  }

  private static void finish(
      JobRunStatus status,
      Conditions conditions,
      JobRunPhase phase,
      JobRunReason reason,
      String message,
      Instant now) {
    status.phase = phase.value();
    status.finishedAt = now.toString();
    // The agent's last report is refused once the run is finished, so the steps it left
    // unfinished end here, as the agent itself ends them: waiting ones skipped, the running one
    // with the run's ending.
    if (status.steps != null) {
      for (JobRunStatus.StepStatus step : status.steps) {
        if (StepState.PENDING.is(step.state)) {
          step.state = StepState.SKIPPED.value();
        } else if (StepState.RUNNING.is(step.state)) {
          step.state = phase.value();
          step.finishedAt = now.toString();
        }
      }
    }
    conditions.set(Condition.SUCCEEDED, false, reason, message);
    conditions.set(Condition.READY, false, reason, message);
  }

  private static Instant created(JobRun run, Instant now) {
    String ts = run.getMetadata().getCreationTimestamp();
    return ts == null ? now : Instant.parse(ts);
  }

  /** The status to start from: all of it (placement included), conditions rebuilt by the caller. */
  private static JobRunStatus copyOf(JobRunStatus s) {
    if (s == null) {
      return new JobRunStatus();
    }
    JobRunStatus c = ResourceCodec.json().convertValue(s, JobRunStatus.class);
    c.conditions = new java.util.ArrayList<>(c.conditions == null ? List.of() : c.conditions);
    return c;
  }
}
