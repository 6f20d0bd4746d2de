package dev.gryt.crds;

import java.time.Duration;
import java.util.Optional;

/**
 * What a JobRun runs, decided once for every way of running it (an agent's assignment, a batch Job,
 * the reconciler's deadline): its Job, that Job's Pipeline and GitHubRepo, the git ref and commit
 * to check out, and its timeout.
 *
 * <p>The defaults are applied here, not left to the Kubernetes API server: a GitHubRepo stored
 * without a {@code branch} (the standalone stores fill in no CRD default) checks out {@link
 * GitHubRepoSpec#DEFAULT_BRANCH}, exactly as one the API server defaulted.
 */
public final class RunResolver {
  /** A run's deadline when neither it nor its pipeline declares one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  private RunResolver() {}

  /** The resources a run needs, or why they cannot all be had. */
  public sealed interface Resolution permits Resolved, Unresolvable {}

  /** What a run needs; {@code repo} is null when the Job names none (an empty workspace). */
  public record Resolved(JobRun run, Job job, Pipeline pipeline, GitHubRepo repo)
      implements Resolution {
    /** The ref to check out; see {@link RunResolver#ref}. */
    public String ref() {
      return RunResolver.ref(run, job, repo);
    }

    /** The commit to check out (the webhook's), or null for the tip of {@link #ref()}. */
    public String sha() {
      return present(run.getSpec().sha) ? run.getSpec().sha : null;
    }

    /** The commit when there is one, else the ref: what a checkout that takes one name gets. */
    public String checkout() {
      String sha = sha();
      return sha != null ? sha : ref();
    }

    /** The timeout the run or its pipeline declares, in seconds; null when neither does. */
    public Integer declaredTimeoutSeconds() {
      return RunResolver.declaredTimeoutSeconds(run, pipeline);
    }

    /** The run's deadline, counted from its creation. */
    public Duration timeout() {
      return RunResolver.timeout(run, pipeline);
    }
  }

  /** A resource the run needs is missing. */
  public record Unresolvable(JobRunReason reason, String kind, String name) implements Resolution {
    /** E.g. {@code pipeline build does not exist}. */
    public String message() {
      return kind + " " + name + " does not exist";
    }
  }

  /** Finds the run's Job, its Pipeline and (when it names one) its GitHubRepo. */
  public static Resolution resolve(JobRun run, ResourceReader reader) {
    String ns = run.getMetadata().getNamespace();
    Optional<Job> job = reader.get(Job.class, ns, run.getSpec().jobName);
    if (job.isEmpty()) {
      return new Unresolvable(JobRunReason.JOB_NOT_FOUND, "job", run.getSpec().jobName);
    }
    String pipelineName = job.get().getSpec().pipelineName;
    Optional<Pipeline> pipeline = reader.get(Pipeline.class, ns, pipelineName);
    if (pipeline.isEmpty()) {
      return new Unresolvable(JobRunReason.PIPELINE_NOT_FOUND, "pipeline", pipelineName);
    }
    String repoName = job.get().getSpec().githubRepoName;
    if (repoName == null) {
      return new Resolved(run, job.get(), pipeline.get(), null);
    }
    Optional<GitHubRepo> repo = reader.get(GitHubRepo.class, ns, repoName);
    if (repo.isEmpty()) {
      return new Unresolvable(JobRunReason.REPO_NOT_FOUND, "github repo", repoName);
    }
    return new Resolved(run, job.get(), pipeline.get(), repo.get());
  }

  /**
   * The ref to check out: the run's (a webhook's push), else the Job's {@code branch_override},
   * else the repository's {@code branch}, else {@link GitHubRepoSpec#DEFAULT_BRANCH}.
   */
  public static String ref(JobRun run, Job job, GitHubRepo repo) {
    if (present(run.getSpec().ref)) {
      return run.getSpec().ref;
    }
    if (present(job.getSpec().branchOverride)) {
      return job.getSpec().branchOverride;
    }
    String branch = repo == null || repo.getSpec() == null ? null : repo.getSpec().branch;
    return present(branch) ? branch : GitHubRepoSpec.DEFAULT_BRANCH;
  }

  /** The run's own timeout, else its pipeline's (null: not known), in seconds; null for neither. */
  public static Integer declaredTimeoutSeconds(JobRun run, Pipeline pipeline) {
    if (run.getSpec().timeoutSeconds != null) {
      return run.getSpec().timeoutSeconds;
    }
    return pipeline == null || pipeline.getSpec() == null
        ? null
        : pipeline.getSpec().timeoutSeconds;
  }

  /** The run's deadline: its own timeout, else its pipeline's, else {@link #DEFAULT_TIMEOUT}. */
  public static Duration timeout(JobRun run, Pipeline pipeline) {
    Integer seconds = declaredTimeoutSeconds(run, pipeline);
    return seconds == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(seconds);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
