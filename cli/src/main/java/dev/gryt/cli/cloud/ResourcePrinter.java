package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Prints what the server sent for a list or for one resource, in the chosen format. */
final class ResourcePrinter {
  private final CommandLine commandLine;
  private final OutputFormat format;
  private final Instant now;

  ResourcePrinter(CommandLine commandLine, OutputFormat format, Instant now) {
    this.commandLine = commandLine;
    this.format = format;
    this.now = now;
  }

  /** A list reply ({@code {items, total}}); an empty table is said on stderr. */
  void list(ResourceKind kind, JsonNode data) {
    List<JsonNode> items = new ArrayList<>();
    data.path("items").forEach(items::add);
    if (format == OutputFormat.TABLE && items.isEmpty()) {
      PrintWriter err = commandLine.getErr();
      err.println("no " + kind.plural() + " found");
      err.flush();
      return;
    }
    print(kind, data, items);
  }

  void one(ResourceKind kind, JsonNode resource) {
    print(kind, resource, List.of(resource));
  }

  private void print(ResourceKind kind, JsonNode data, List<JsonNode> rows) {
    PrintWriter out = commandLine.getOut();
    switch (format) {
      case JSON -> out.println(ApplyOutput.prettyJson(data));
      case YAML -> out.print(ResourceCodec.toYaml(data));
      case TABLE -> ResourceTable.print(out, kind, rows, now);
    }
    out.flush();
  }
}
