package dev.gryt.cli.cloud;

import dev.gryt.crds.ResourceCodec;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud api PATH}: an authenticated GET that prints the reply's data as JSON. */
@Command(name = "api", description = "GET /api/v1/PATH with your credentials; prints JSON.")
public final class ApiCommand implements java.util.concurrent.Callable<Integer> {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", description = "e.g. pipelines, or /api/v1/jobs/my-app-ci")
  String path;

  @Override
  public Integer call() throws Exception {
    String relative = path.replaceFirst("^/?(api/v1/)?", "");
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        ResourceCodec.json()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(cloud.client().get(relative)));
    out.flush();
    return 0;
  }
}
