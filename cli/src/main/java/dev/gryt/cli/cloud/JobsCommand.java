package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud jobs run NAME}: actions on jobs. */
@Command(name = "jobs", aliases = "job", description = "Act on jobs.")
public final class JobsCommand {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

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
