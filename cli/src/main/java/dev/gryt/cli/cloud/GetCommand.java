package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud get KIND [NAME|ID]}. */
@Command(name = "get", description = "List resources of a kind, or show one.")
public final class GetCommand implements Callable<Integer> {
  /** How get prints resources. */
  enum Format {
    TABLE,
    JSON,
    YAML
  }

  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "pipelines, repos, jobs, webhooks, runs (singular, plural or kind).")
  String kindName;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME|ID", description = "One resource.")
  String nameOrId;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    ResourceKind kind = Kinds.lookup(kindName);
    String path =
        nameOrId == null ? kind.apiPath() : kind.apiPath() + "/" + GrytApiClient.segment(nameOrId);
    JsonNode data = cloud.client().get(path);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case JSON -> out.println(ApplyOutput.prettyJson(data));
      case YAML -> out.print(ResourceCodec.toYaml(data));
      case TABLE -> printTable(out, kind, data);
    }
    out.flush();
    return 0;
  }

  private void printTable(PrintWriter out, ResourceKind kind, JsonNode data) {
    List<JsonNode> resources = new ArrayList<>();
    if (nameOrId == null) {
      data.path("items").forEach(resources::add);
    } else {
      resources.add(data);
    }
    if (resources.isEmpty()) {
      spec.commandLine().getErr().println("no " + kind.plural() + " found");
      spec.commandLine().getErr().flush();
      return;
    }
    ResourceTable.print(out, resources, cloud.environment().clock().instant());
  }
}
