package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud runs list|get|logs|cancel|retry}: reading and steering job runs. */
@Command(
    name = "runs",
    aliases = "run",
    description = "List, show, follow the logs of, cancel and retry job runs.")
public final class RunsCommand {
  private static final String FORMATS = "Output format: ${COMPLETION-CANDIDATES}.";

  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Command(name = "list", description = "List runs, newest last.")
  int list(
      @Option(names = "--job", paramLabel = "NAME", description = "Only the runs of this job.")
          String job,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              defaultValue = "table",
              description = FORMATS)
          OutputFormat format) {
    JsonNode data =
        cloud.client().list(ResourceKind.JOB_RUN, job == null ? Map.of() : Map.of("job", job));
    printer(format).list(ResourceKind.JOB_RUN, data);
    return 0;
  }

  @Command(name = "get", description = "Show one run.")
  int get(
      @Parameters(paramLabel = "ID|NAME", description = "The run.") String run,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              defaultValue = "yaml",
              description = FORMATS + " Default: ${DEFAULT-VALUE}.")
          OutputFormat format) {
    printer(format).one(ResourceKind.JOB_RUN, cloud.client().get(ResourceKind.JOB_RUN, run));
    return 0;
  }

  @Command(
      name = "logs",
      description = "Print a run's logs, step by step; -f follows them until the run ends.")
  int logs(
      @Parameters(paramLabel = "ID|NAME", description = "The run.") String run,
      @Option(
              names = {"-f", "--follow"},
              description = "Keep printing new output until the run finishes.")
          boolean follow) {
    PrintWriter out = spec.commandLine().getOut();
    long after = 0;
    String step = null;
    Integer attempt = null;
    while (true) {
      JsonNode data = cloud.client().runLogs(run, after, follow);
      JsonNode chunks = data.path("chunks");
      for (JsonNode chunk : chunks) {
        String s = chunk.path("step").asText();
        int a = chunk.path("attempt").asInt();
        if (!s.equals(step) || attempt == null || attempt != a) {
          out.println("==> step " + s + (a > 1 ? " (attempt " + a + ")" : ""));
          step = s;
          attempt = a;
        }
        out.print(chunk.path("text").asText());
      }
      out.flush();
      after = data.path("next").asLong(after);
      if (!follow || (data.path("finished").asBoolean() && chunks.isEmpty())) {
        if (follow) {
          out.println(
              "==> run " + data.path("run_id").asText(run) + " " + data.path("phase").asText());
          out.flush();
        }
        return 0;
      }
    }
  }

  @Command(name = "cancel", description = "Ask a run to stop; it ends Cancelled.")
  int cancel(@Parameters(paramLabel = "ID|NAME", description = "The run.") String run) {
    JsonNode data = cloud.client().act(ResourceKind.JOB_RUN, run, "cancel");
    return print("cancel requested for " + data.path("run_id").asText(run));
  }

  @Command(name = "retry", description = "Start a new run of the same job, ref and commit.")
  int retry(@Parameters(paramLabel = "ID|NAME", description = "The run to retry.") String run) {
    JsonNode data = cloud.client().act(ResourceKind.JOB_RUN, run, "retry");
    return print(
        data.path("run_id").asText()
            + " started (retry of "
            + run
            + ", job "
            + data.path("job_name").asText()
            + ")");
  }

  private ResourcePrinter printer(OutputFormat format) {
    return new ResourcePrinter(spec.commandLine(), format, cloud.environment().clock().instant());
  }

  private int print(String line) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(line);
    out.flush();
    return 0;
  }
}
