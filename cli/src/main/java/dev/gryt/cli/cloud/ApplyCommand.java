package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gryt cloud apply}: validates manifests locally, then has the server create or update them
 * in one transaction.
 */
@Command(name = "apply", description = "Create or update resources from manifests.")
public final class ApplyCommand implements Callable<Integer> {
  /** How apply prints what happened. */
  enum Format {
    TABLE,
    JSON
  }

  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;
  @Mixin ManifestOptions manifests;

  @Option(names = "--dry-run", description = "Show what would change; change nothing.")
  boolean dryRun;

  @Option(
      names = "--prune",
      description = "Delete resources of the apply set that the manifests no longer contain.")
  boolean prune;

  @Option(
      names = "--applyset",
      paramLabel = "NAME",
      description = "Name of the set of resources these manifests own (required with --prune).")
  String applyset;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    if (prune && (applyset == null || applyset.isBlank())) {
      throw new ParameterException(
          spec.commandLine(), "--prune needs --applyset NAME to know which resources it owns");
    }
    String yaml =
        ManifestInput.read(manifests.files, manifests.recursive, cloud.environment())
            .validatedYaml();
    JsonNode data = cloud.client().apply(yaml, dryRun, prune ? applyset : null);
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.JSON) {
      out.println(ApplyOutput.prettyJson(data));
    } else {
      ApplyOutput.printResults(
          out, ApplyResult.listFrom(data), data.path("dry_run").asBoolean(dryRun));
    }
    out.flush();
    return 0;
  }
}
