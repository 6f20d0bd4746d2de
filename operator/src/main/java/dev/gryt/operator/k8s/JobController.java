package dev.gryt.operator.k8s;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobStatus;
import dev.gryt.crds.Pipeline;
import dev.gryt.operator.JobReconciler;
import java.time.Clock;
import java.util.List;

/**
 * Jobs under JOSDK: a Job reads the Pipeline and GitHubRepo it names and follows them, and follows
 * its runs to keep their history within its limit.
 */
final class JobController extends GrytController<Job, JobStatus> {
  JobController(Clock clock) {
    super(
        new JobReconciler(),
        clock,
        List.of(
            Reference.byName(Pipeline.class, (Job job) -> job.getSpec().pipelineName),
            Reference.byName(GitHubRepo.class, (Job job) -> job.getSpec().githubRepoName),
            Reference.byShared(
                JobRun.class,
                (Job job) -> job.getMetadata().getName(),
                (JobRun run) -> run.getSpec().jobName)));
  }
}
