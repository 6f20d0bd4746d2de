package dev.gryt.operator;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobSpec;
import java.util.Comparator;
import java.util.List;

/**
 * A Job's rules for its runs, decided from the runs alone (no I/O): which unfinished run may go
 * ahead under {@code concurrency_policy} / {@code max_concurrent_runs}, and which finished runs
 * fall outside {@code history_limit}.
 *
 * <p>Runs are ordered by creation: {@code creationTimestamp}, then name (timestamps have second
 * precision, so runs created within the same second are ordered by name — arbitrary but the same
 * for every reconcile, which is what keeps the decisions of sibling runs consistent).
 *
 * <p>A run's <em>active runs ahead</em> are its unfinished siblings that are Scheduled or Running
 * (whenever they were created), plus the Pending siblings created before it. A later Pending run
 * never holds a slot against an earlier one, so the oldest waiting run gets the next free slot.
 */
public final class RunPolicy {
  /** What a not-yet-finished run should do about its siblings. */
  public enum Verdict {
    /** Within the limit: go on (wait for an agent). */
    PROCEED,
    /** {@code allow} and the limit is reached: stay Pending, reason {@code ConcurrencyLimit}. */
    WAIT,
    /**
     * {@code forbid} and the limit is reached: end Cancelled, reason {@code ConcurrencyForbidden}.
     */
    FORBIDDEN,
    /**
     * {@code replace} and a newer unfinished run exists: end Cancelled, reason {@code Replaced}.
     */
    REPLACED
  }

  /** Creation order: oldest first. */
  public static final Comparator<JobRun> CREATION_ORDER =
      Comparator.comparing((JobRun r) -> nullToEmpty(r.getMetadata().getCreationTimestamp()))
          .thenComparing(r -> r.getMetadata().getName());

  private RunPolicy() {}

  /**
   * What {@code run} (unfinished) should do given its Job and the runs of that Job ({@code
   * siblings} may include {@code run} itself; other Jobs' runs must not be in it).
   *
   * <p>{@code allow}: at most {@code max_concurrent_runs} (default unlimited) active runs ahead,
   * else wait. {@code forbid}: the same limit (default 1), but a run that would wait is cancelled
   * instead. {@code replace}: a run is cancelled as soon as a newer unfinished run of its Job
   * exists, so only the newest one goes on; the limit does not apply.
   */
  public static Verdict decide(JobRun run, Job job, List<JobRun> siblings) {
    JobSpec spec = job.getSpec();
    String policy = spec.concurrencyPolicy == null ? JobSpec.ALLOW : spec.concurrencyPolicy;
    if (JobSpec.REPLACE.equals(policy)) {
      boolean newer =
          siblings.stream()
              .anyMatch(s -> !JobRunReconciler.finished(s) && CREATION_ORDER.compare(s, run) > 0);
      return newer ? Verdict.REPLACED : Verdict.PROCEED;
    }
    if (placed(run)) {
      // Already holds a slot: a lower limit applies to the runs still waiting, not to this one.
      return Verdict.PROCEED;
    }
    boolean forbid = JobSpec.FORBID.equals(policy);
    Integer limit = limit(spec);
    if (limit == null) {
      return Verdict.PROCEED;
    }
    long ahead = siblings.stream().filter(s -> activeAhead(s, run)).count();
    if (ahead < limit) {
      return Verdict.PROCEED;
    }
    return forbid ? Verdict.FORBIDDEN : Verdict.WAIT;
  }

  /**
   * The finished runs of a Job beyond its {@code history_limit} (default {@value
   * JobSpec#DEFAULT_HISTORY_LIMIT}): all but the newest {@code history_limit} finished ones, by
   * creation order. Unfinished runs are never expired.
   */
  public static List<JobRun> expired(Job job, List<JobRun> runs) {
    Integer configured = job.getSpec().historyLimit;
    int keep = configured == null ? JobSpec.DEFAULT_HISTORY_LIMIT : configured;
    List<JobRun> finished =
        runs.stream().filter(JobRunReconciler::finished).sorted(CREATION_ORDER).toList();
    return finished.subList(0, Math.max(0, finished.size() - keep));
  }

  /**
   * Whether a Job's runs decide anything from their siblings: {@code replace}, {@code forbid}, or a
   * {@code max_concurrent_runs}. Under plain {@code allow} (the default) each run goes its own way.
   */
  public static boolean needsSiblings(Job job) {
    return JobSpec.REPLACE.equals(job.getSpec().concurrencyPolicy) || limit(job.getSpec()) != null;
  }

  /** How many runs may be active at once: {@code max_concurrent_runs}, else 1 under forbid. */
  private static Integer limit(JobSpec spec) {
    if (spec.maxConcurrentRuns != null) {
      return spec.maxConcurrentRuns;
    }
    return JobSpec.FORBID.equals(spec.concurrencyPolicy) ? 1 : null;
  }

  /**
   * The sibling runs whose {@link #decide verdict} may differ after {@code changed} changed (or was
   * deleted, {@code gone}): under {@code replace}, a new unfinished run ends every older unfinished
   * one; under a limit, a run that finished or went away frees a slot for the oldest waiting runs —
   * at most as many as the limit, since no more slots than that can have come free. Any other
   * change moves no sibling's verdict (a later Pending run never holds a slot against an earlier
   * one).
   */
  public static List<JobRun> affectedBy(
      JobRun changed, boolean gone, Job job, List<JobRun> siblings) {
    if (!needsSiblings(job)) {
      return List.of();
    }
    boolean changedFinished = gone || JobRunReconciler.finished(changed);
    if (JobSpec.REPLACE.equals(job.getSpec().concurrencyPolicy)) {
      return changedFinished
          ? List.of()
          : siblings.stream()
              .filter(s -> !sameRun(s, changed) && !JobRunReconciler.finished(s))
              .filter(s -> before(s, changed))
              .toList();
    }
    if (!changedFinished) {
      return List.of();
    }
    return siblings.stream()
        .filter(s -> !sameRun(s, changed) && !JobRunReconciler.finished(s) && !placed(s))
        .sorted(CREATION_ORDER)
        .limit(Math.max(1, limit(job.getSpec())))
        .toList();
  }

  /** The runs in {@code all} (one namespace's) that belong to the Job named {@code jobName}. */
  public static List<JobRun> runsOf(String jobName, List<JobRun> all) {
    return all.stream().filter(r -> jobName.equals(r.getSpec().jobName)).toList();
  }

  private static boolean activeAhead(JobRun sibling, JobRun run) {
    if (sameRun(sibling, run) || JobRunReconciler.finished(sibling)) {
      return false;
    }
    if (placed(sibling)) {
      return true;
    }
    // Pending, or not reconciled yet: holds a slot only against runs created after it.
    return before(sibling, run);
  }

  private static boolean placed(JobRun run) {
    String phase = run.getStatus() == null ? null : run.getStatus().phase;
    return JobRunPhase.placed(phase);
  }

  private static boolean before(JobRun a, JobRun b) {
    return CREATION_ORDER.compare(a, b) < 0;
  }

  private static boolean sameRun(JobRun a, JobRun b) {
    return a.getMetadata().getName().equals(b.getMetadata().getName());
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
