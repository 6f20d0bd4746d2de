package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the server did (or, in a dry run, would do) with one resource.
 *
 * @param action {@code created}, {@code configured}, {@code unchanged} or {@code pruned}
 * @param diff the changed fields, for {@code configured}
 */
public record ApplyResult(
    String kind, String namespace, String name, String id, String action, List<FieldChange> diff) {

  /**
   * One changed field.
   *
   * @param before null when the field is new
   * @param after null when the field was removed
   */
  public record FieldChange(String path, JsonNode before, JsonNode after) {}

  public static final String UNCHANGED = "unchanged";

  /** Reads the {@code results} of an apply reply's {@code data}. */
  public static List<ApplyResult> listFrom(JsonNode data) {
    List<ApplyResult> results = new ArrayList<>();
    for (JsonNode result : data.path("results")) {
      List<FieldChange> diff = new ArrayList<>();
      for (JsonNode change : result.path("diff")) {
        diff.add(
            new FieldChange(
                change.path("path").asText(),
                valueOrNull(change, "old"),
                valueOrNull(change, "new")));
      }
      results.add(
          new ApplyResult(
              result.path("kind").asText(),
              result.path("namespace").asText(null),
              result.path("name").asText(),
              result.path("id").asText(null),
              result.path("action").asText(),
              List.copyOf(diff)));
    }
    return results;
  }

  /** {@code pipeline/test-and-build}: how output names a resource. */
  public String reference() {
    return reference(kind, name);
  }

  static String reference(String kind, String name) {
    String singular =
        ResourceKind.fromKind(kind)
            .map(ResourceKind::singular)
            .orElse(kind.toLowerCase(Locale.ROOT));
    return singular + "/" + name;
  }

  public boolean changed() {
    return !UNCHANGED.equals(action);
  }

  private static JsonNode valueOrNull(JsonNode change, String field) {
    return change.has(field) ? change.get(field) : null;
  }
}
