package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gryt cloud jobs list|create|get|delete|run}. */
@Command(name = "jobs", aliases = "job", description = "Jobs: list, create, get, delete, run.")
public final class JobsCommand extends KindCommands.Base {
  @Override
  ResourceKind kind() {
    return ResourceKind.JOB;
  }

  @Command(name = "create", description = "Create a job of a pipeline (and a repository).")
  int create(
      @picocli.CommandLine.Option(names = "--name", required = true) String name,
      @picocli.CommandLine.Option(names = "--description") String description,
      @picocli.CommandLine.Option(
              names = "--pipeline",
              required = true,
              description = "pipeline id or name")
          String pipeline,
      @picocli.CommandLine.Option(names = "--repo", description = "repository id or name")
          String repo,
      @picocli.CommandLine.Option(names = "--branch", description = "branch override")
          String branch) {
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("name", name);
    body.put("description", description == null ? "" : description);
    body.put("pipeline_id", pipeline);
    if (repo != null) {
      body.put("github_repo_id", repo);
    }
    if (branch != null) {
      body.put("branch_override", branch);
    }
    created(post(body));
    return 0;
  }

  @Command(name = "run", description = "Start a run of the job now; prints the run's id.")
  int run(@Parameters(paramLabel = "NAME|ID", description = "The job.") String job) {
    JsonNode data = cloud.client().act(ResourceKind.JOB, job, "run");
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        data.path("run_id").asText() + " started (job " + data.path("job_name").asText(job) + ")");
    out.flush();
    return 0;
  }
}
