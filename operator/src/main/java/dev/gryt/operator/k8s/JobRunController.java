package dev.gryt.operator.k8s;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.Pipeline;
import dev.gryt.operator.JobRunReconciler;
import java.time.Clock;
import java.util.List;

/**
 * JobRuns under JOSDK: a run follows the Job it names (it ends Cancelled when the Job goes) and
 * reads that Job's Pipeline for its default timeout, and follows its sibling runs (the runs of the
 * same Job) for the concurrency policy; its deadline comes back as a reschedule.
 */
final class JobRunController extends GrytController<JobRun, JobRunStatus> {
  JobRunController(Clock clock) {
    super(
        new JobRunReconciler(),
        clock,
        List.of(
            Reference.byName(Job.class, (JobRun run) -> run.getSpec().jobName),
            Reference.readOnly(Pipeline.class),
            Reference.byShared(
                JobRun.class,
                (JobRun run) -> run.getSpec().jobName,
                (JobRun sibling) -> sibling.getSpec().jobName)));
  }
}
