package dev.gryt.operator.k8s;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobStatus;
import dev.gryt.operator.JobReconciler;
import java.time.Clock;

/**
 * Jobs under JOSDK: a Job follows what {@link JobReconciler#references()} declares (the Pipeline
 * and GitHubRepo it names, and its runs, to keep their history within its limit).
 */
final class JobController extends GrytController<Job, JobStatus> {
  JobController(Clock clock) {
    super(new JobReconciler(), clock);
  }
}
