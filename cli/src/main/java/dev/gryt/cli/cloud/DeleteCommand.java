package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud delete KIND NAME|ID}. */
@Command(name = "delete", description = "Delete one resource.")
public final class DeleteCommand implements Callable<Integer> {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KIND", description = "e.g. pipeline, repo, job, webhook")
  String kindName;

  @Parameters(index = "1", paramLabel = "NAME|ID", description = "Name or typed id (pipe-…).")
  String nameOrId;

  @Override
  public Integer call() {
    ResourceKind kind = Kinds.lookup(kindName);
    JsonNode data = cloud.client().delete(kind.apiPath() + "/" + GrytApiClient.segment(nameOrId));
    String name = data.path("name").asText(nameOrId);
    String deletedKind = data.path("kind").asText(kind.kind());
    spec.commandLine()
        .getOut()
        .println(
            ApplyResult.reference(deletedKind, name) + " " + data.path("action").asText("deleted"));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
