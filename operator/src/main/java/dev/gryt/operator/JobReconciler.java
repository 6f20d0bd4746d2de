package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobReason;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobStatus;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A Job is Ready when the Pipeline and GitHubRepo it names exist and are Ready. It also keeps its
 * run history within {@code history_limit}: the oldest finished runs beyond it are returned as
 * deletes for the driver to carry out ({@link RunPolicy#expired}). It is re-reconciled when its
 * Pipeline, GitHubRepo or one of its runs changes (the driver maps those changes to this Job),
 * never polled.
 */
public final class JobReconciler implements Reconciler<Job, JobStatus> {
  /**
   * The Pipeline and GitHubRepo a Job names, and its runs; of those only a finished one can change
   * which runs the Job expires.
   */
  @Override
  public List<Reference<Job, ?>> references() {
    return List.of(
        Reference.byName(Job.class, Pipeline.class, job -> job.getSpec().pipelineName),
        Reference.byName(Job.class, GitHubRepo.class, job -> job.getSpec().githubRepoName),
        Reference.namedBy(Job.class, JobRun.class, run -> run.getSpec().jobName)
            .narrowedBy(
                (run, gone, jobs, lookup) ->
                    JobRunReconciler.finished(run) ? jobs.get() : List.of()));
  }

  @Override
  public Outcome<JobStatus> reconcile(Job job, Lookup lookup, Instant now) {
    String ns = job.getMetadata().getNamespace();
    JobStatus status = new JobStatus();
    status.observedGeneration = job.getMetadata().getGeneration();
    Conditions conditions = Conditions.of(job, now);

    String pipelineName = job.getSpec().pipelineName;
    String repoName = job.getSpec().githubRepoName;
    Optional<Pipeline> pipeline = lookup.get(Pipeline.class, ns, pipelineName);
    Optional<GitHubRepo> repo =
        repoName == null ? Optional.empty() : lookup.get(GitHubRepo.class, ns, repoName);

    if (pipeline.isEmpty()) {
      conditions.set(
          Condition.READY,
          false,
          JobReason.PIPELINE_NOT_FOUND,
          "pipeline " + pipelineName + " not found");
    } else if (!ready(pipeline.get())) {
      conditions.set(
          Condition.READY,
          false,
          JobReason.PIPELINE_NOT_READY,
          "pipeline " + pipelineName + " is not ready" + why(pipeline.get()));
    } else if (repoName != null && repo.isEmpty()) {
      conditions.set(
          Condition.READY,
          false,
          JobReason.REPO_NOT_FOUND,
          "github repo " + repoName + " not found");
    } else if (repo.isPresent() && !ready(repo.get())) {
      conditions.set(
          Condition.READY,
          false,
          JobReason.REPO_NOT_READY,
          "github repo " + repoName + " is not ready" + why(repo.get()));
    } else {
      conditions.set(
          Condition.READY, true, JobReason.RESOLVED, "pipeline and repository are ready");
    }
    status.conditions = conditions.build();
    List<ResourceKey> expired =
        RunPolicy.expired(
                job, RunPolicy.runsOf(job.getMetadata().getName(), lookup.list(JobRun.class, ns)))
            .stream()
            .map(ResourceKey::of)
            .toList();
    return Outcome.of(status).deleting(expired);
  }

  static boolean ready(GrytResource<?, ?> r) {
    return r.getStatus() != null
        && r.getStatus().condition(Condition.READY).map(c -> "True".equals(c.status)).orElse(false);
  }

  private static String why(GrytResource<?, ?> r) {
    return r.getStatus() == null
        ? " (not reconciled yet)"
        : r.getStatus()
            .condition(Condition.READY)
            .map(c -> c.message == null ? "" : ": " + c.message)
            .orElse(" (not reconciled yet)");
  }
}
