package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gryt cloud get KIND -w}: the current list, then one row per change, with the event type in
 * front as {@code kubectl get -w --output-watch-events} prints it. Long-polls {@code /api/v1/watch}
 * until the thread is interrupted (Ctrl-C ends the process); when the server has dropped the events
 * it was asked for (410) it lists again and prints what differs from what was last shown.
 */
final class ResourceWatch {
  static final int POLL_SECONDS = 25;

  private final GrytApiClient client;
  private final ResourceKind kind;
  private final String nameOrId;
  private final PrintWriter out;

  /** What the rows printed so far say exists, by id. */
  private final Map<String, JsonNode> shown = new LinkedHashMap<>();

  private TextTable table;

  /**
   * @param nameOrId null to follow every resource of the kind
   */
  ResourceWatch(GrytApiClient client, ResourceKind kind, String nameOrId, PrintWriter out) {
    this.client = client;
    this.kind = kind;
    this.nameOrId = nameOrId;
    this.out = out;
  }

  /** Prints until interrupted; throws for anything else that stops it. */
  void run(Clock clock) {
    try {
      long resourceVersion = relist(clock);
      while (!Thread.currentThread().isInterrupted()) {
        JsonNode data;
        try {
          data = client.watch(resourceVersion, kind, POLL_SECONDS);
        } catch (ApiReplyException e) {
          if (!e.gone()) {
            throw e;
          }
          resourceVersion = relist(clock);
          continue;
        }
        for (JsonNode event : data.path("events")) {
          JsonNode object = event.path("object");
          if (matches(object)) {
            String type = event.path("type").asText();
            if ("DELETED".equals(type)) {
              shown.remove(ResourceTable.id(object));
            } else {
              shown.put(ResourceTable.id(object), object);
            }
            print(type, object, clock);
          }
        }
        resourceVersion = data.path("resource_version").asLong(resourceVersion);
      }
    } catch (CliException e) {
      if (!Thread.currentThread().isInterrupted()) {
        throw e;
      }
    }
  }

  /**
   * Lists the kind and prints how it differs from the rows shown so far (everything, the first
   * time). The version is read before the list so that no change falls between the two; a change
   * the list already shows may be printed once more.
   */
  private long relist(Clock clock) {
    long resourceVersion = client.resourceVersion();
    Map<String, JsonNode> current = new LinkedHashMap<>();
    for (JsonNode item : client.list(kind, Map.of()).path("items")) {
      if (matches(item)) {
        current.put(ResourceTable.id(item), item);
      }
    }
    if (table == null) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(withEvent("EVENT", ResourceTable.header(kind)));
      current.values().forEach(r -> rows.add(row("ADDED", r, clock)));
      table = TextTable.fitting(rows);
      out.println(table.line(rows.get(0)));
    }
    for (JsonNode item : current.values()) {
      JsonNode before = shown.get(ResourceTable.id(item));
      if (before == null) {
        print("ADDED", item, clock);
      } else if (!version(before).equals(version(item))) {
        print("MODIFIED", item, clock);
      }
    }
    for (JsonNode gone : List.copyOf(shown.values())) {
      if (!current.containsKey(ResourceTable.id(gone))) {
        print("DELETED", gone, clock);
      }
    }
    shown.clear();
    shown.putAll(current);
    return resourceVersion;
  }

  private boolean matches(JsonNode resource) {
    return nameOrId == null
        || nameOrId.equals(resource.path("metadata").path("name").asText())
        || nameOrId.equals(ResourceTable.id(resource));
  }

  private void print(String type, JsonNode resource, Clock clock) {
    out.println(table.line(row(type, resource, clock)));
    out.flush();
  }

  private List<String> row(String type, JsonNode resource, Clock clock) {
    return withEvent(type, ResourceTable.row(kind, resource, clock.instant()));
  }

  private static List<String> withEvent(String type, List<String> cells) {
    List<String> row = new ArrayList<>(cells.size() + 1);
    row.add(type);
    row.addAll(cells);
    return row;
  }

  private static String version(JsonNode resource) {
    return resource.path("metadata").path("resourceVersion").asText("");
  }
}
