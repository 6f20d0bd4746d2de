package dev.gryt.server.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** One changed field between stored and desired state; {@code old}/{@code new} absent = none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldDiff(String path, JsonNode old, @JsonProperty("new") JsonNode updated) {

  /** Every leaf-level difference between two JSON trees, in path order. */
  public static List<FieldDiff> between(String path, JsonNode old, JsonNode updated) {
    List<FieldDiff> out = new ArrayList<>();
    walk(path, missingToNull(old), missingToNull(updated), out);
    return out;
  }

  private static JsonNode missingToNull(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() ? null : n;
  }

  private static void walk(String path, JsonNode old, JsonNode updated, List<FieldDiff> out) {
    if (old == null && updated == null) {
      return;
    }
    if (old != null && updated != null && old.isObject() && updated.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      old.fieldNames().forEachRemaining(keys::add);
      updated.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        walk(join(path, key), missingToNull(old.get(key)), missingToNull(updated.get(key)), out);
      }
      return;
    }
    if (old != null && updated != null && old.isArray() && updated.isArray()) {
      int n = Math.max(old.size(), updated.size());
      for (int i = 0; i < n; i++) {
        walk(
            path + "[" + i + "]",
            i < old.size() ? missingToNull(old.get(i)) : null,
            i < updated.size() ? missingToNull(updated.get(i)) : null,
            out);
      }
      return;
    }
    if (old == null || !old.equals(updated)) {
      out.add(new FieldDiff(path, old, updated));
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
