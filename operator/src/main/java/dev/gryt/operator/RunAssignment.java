package dev.gryt.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.ResourceCodec;
import java.util.Map;
import java.util.Optional;

/**
 * What an agent is sent to run a run (the body of its {@code POST /runs}), built without I/O from
 * the run, its Job, the Job's Pipeline and GitHubRepo. The checkout is the webhook's commit when
 * there is one, on the run's ref, else the Job's {@code branch_override}, else the repo's branch. A
 * Job that names no GitHubRepo (the Job {@code gryt run} makes for a local project in cloud mode)
 * is sent without {@code repo}: its steps start in an empty workspace, as on Kubernetes.
 */
public final class RunAssignment {
  /** The resources a run needs, or why they cannot all be had. */
  public sealed interface Resolution {}

  /** What a run needs; {@code repo} is null when the Job names none. */
  public record Resolved(Job job, Pipeline pipeline, GitHubRepo repo) implements Resolution {}

  public record Unresolvable(String reason, String message) implements Resolution {}

  private RunAssignment() {}

  public static Resolution resolve(JobRun run, Lookup lookup) {
    String ns = run.getMetadata().getNamespace();
    Optional<Job> job = lookup.get(Job.class, ns, run.getSpec().jobName);
    if (job.isEmpty()) {
      return new Unresolvable(
          Reasons.JOB_NOT_FOUND, "job " + run.getSpec().jobName + " does not exist");
    }
    String pipelineName = job.get().getSpec().pipelineName;
    Optional<Pipeline> pipeline = lookup.get(Pipeline.class, ns, pipelineName);
    if (pipeline.isEmpty()) {
      return new Unresolvable(
          Reasons.PIPELINE_NOT_FOUND, "pipeline " + pipelineName + " does not exist");
    }
    String repoName = job.get().getSpec().githubRepoName;
    if (repoName == null) {
      return new Resolved(job.get(), pipeline.get(), null);
    }
    Optional<GitHubRepo> repo = lookup.get(GitHubRepo.class, ns, repoName);
    if (repo.isEmpty()) {
      return new Unresolvable(
          Reasons.REPO_NOT_FOUND, "github repo " + repoName + " does not exist");
    }
    return new Resolved(job.get(), pipeline.get(), repo.get());
  }

  /** The ref to check out. */
  public static String ref(JobRun run, Job job, GitHubRepo repo) {
    if (present(run.getSpec().ref)) {
      return run.getSpec().ref;
    }
    if (present(job.getSpec().branchOverride)) {
      return job.getSpec().branchOverride;
    }
    String branch = repo.getSpec().branch;
    return present(branch) ? branch : GitHubRepoSpec.DEFAULT_BRANCH;
  }

  /**
   * The body of {@code POST /runs}. The repository token, when there is one, travels only here and
   * is listed among the secrets the agent masks in logs.
   */
  public static ObjectNode body(
      JobRun run,
      int attempt,
      Resolved resolved,
      Optional<String> token,
      String reportUrl,
      String reportToken) {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    body.put("run_id", run.id());
    // the stored namespace: the agent trusts only the admin's (Tenancy) with unisolated runners
    // and local repositories
    body.put("namespace", run.getMetadata().getNamespace());
    body.put("attempt", attempt);
    body.put("report_url", reportUrl);
    body.put("report_token", reportToken);
    if (resolved.repo() != null) {
      ObjectNode repo = body.putObject("repo");
      repo.put("git_url", resolved.repo().getSpec().gitUrl);
      repo.put("ref", ref(run, resolved.job(), resolved.repo()));
      if (present(run.getSpec().sha)) {
        repo.put("sha", run.getSpec().sha);
      }
      token.ifPresent(t -> repo.put("token", t));
    }
    PipelineSpec spec = resolved.pipeline().getSpec();
    ObjectNode pipeline = body.putObject("pipeline");
    if (present(spec.image)) {
      pipeline.put("image", spec.image);
    }
    putEnv(pipeline, spec.env);
    Integer timeout =
        run.getSpec().timeoutSeconds != null ? run.getSpec().timeoutSeconds : spec.timeoutSeconds;
    if (timeout != null) {
      pipeline.put("timeout_seconds", timeout);
    }
    if (spec.resources != null) {
      pipeline.set("resources", ResourceCodec.json().valueToTree(spec.resources));
    }
    ArrayNode steps = pipeline.putArray("steps");
    for (PipelineSpec.Step step : spec.steps) {
      steps.add(ResourceCodec.json().valueToTree(step));
    }
    ArrayNode secrets = body.putArray("secrets");
    token.ifPresent(secrets::add);
    return body;
  }

  private static void putEnv(ObjectNode node, Map<String, String> env) {
    if (env != null && !env.isEmpty()) {
      node.set("env", ResourceCodec.json().valueToTree(env));
    }
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
