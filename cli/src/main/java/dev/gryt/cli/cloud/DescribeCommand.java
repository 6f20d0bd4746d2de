package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud describe KIND NAME|ID}. */
@Command(
    name = "describe",
    description = "Show one resource for a person: identity, spec, status and conditions.")
public final class DescribeCommand implements Callable<Integer> {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "pipeline, repo, job, webhook, run (singular, plural, kind or short name).")
  String kindName;

  @Parameters(index = "1", paramLabel = "NAME|ID", description = "Name or typed id (pipe-…).")
  String nameOrId;

  @Override
  public Integer call() {
    ResourceKind kind = Kinds.lookup(kindName);
    var resource = cloud.client().get(kind, nameOrId);
    PrintWriter out = spec.commandLine().getOut();
    ResourceDescription.lines(kind, resource, cloud.environment().clock().instant())
        .forEach(out::println);
    String id = resource.path("id").asText(nameOrId);
    JsonNode events =
        cloud.client().get(kind.apiPath() + "/" + GrytApiClient.segment(id) + "/events");
    ResourceDescription.events(events, cloud.environment().clock().instant()).forEach(out::println);
    out.flush();
    return 0;
  }
}
