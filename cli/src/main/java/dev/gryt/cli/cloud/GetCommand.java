package dev.gryt.cli.cloud;

import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceKind;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud get KIND [NAME|ID] [--watch]}. */
@Command(name = "get", description = "List resources of a kind, or show one; --watch follows them.")
public final class GetCommand implements Callable<Integer> {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description =
          "pipelines, repos, jobs, webhooks, runs (singular, plural, kind or short name).")
  String kindName;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME|ID", description = "One resource.")
  String nameOrId;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Option(
      names = {"-w", "--watch"},
      description = "After the list, print a row for every change (until Ctrl-C).")
  boolean watch;

  @Override
  public Integer call() {
    ResourceKind kind = Kinds.lookup(kindName);
    if (watch) {
      if (format != OutputFormat.TABLE) {
        throw new CliException(
            "--watch prints a table; leave out -o " + format.name().toLowerCase());
      }
      new ResourceWatch(cloud.client(), kind, nameOrId, spec.commandLine().getOut())
          .run(cloud.environment().clock());
      return 0;
    }
    ResourcePrinter printer =
        new ResourcePrinter(spec.commandLine(), format, cloud.environment().clock().instant());
    if (nameOrId == null) {
      printer.list(kind, cloud.client().list(kind, Map.of()));
    } else {
      printer.one(kind, cloud.client().get(kind, nameOrId));
    }
    return 0;
  }
}
