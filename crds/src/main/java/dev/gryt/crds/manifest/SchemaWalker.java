package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.FieldFormats;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Checks composed YAML nodes against an {@link ObjectSchema} and builds the JSON tree of what is
 * valid. Every problem is recorded and the walk goes on, so one pass reports everything; an invalid
 * value is left out of the tree rather than guessed at.
 *
 * <p>Types are strict, as the API server's schema is: {@code timeout_seconds: "30"} is a string,
 * and {@code branch: on} is YAML 1.1's boolean, not the text "on" — the message says to quote it.
 */
final class SchemaWalker {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "on", "y");
  private static final int QUOTE_LIMIT = 40;

  private final DocumentProblems problems;

  SchemaWalker(DocumentProblems problems) {
    this.problems = problems;
  }

  /**
   * Walks a mapping against {@code schema}. {@code ownerLine} is where the mapping's own key is,
   * the line for "required" problems of fields it lacks. Returns null if {@code node} is not a
   * mapping.
   */
  ObjectNode object(Node node, ObjectSchema schema, String path, int ownerLine) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(path, line(node), "expected a mapping, got " + describe(node));
      return null;
    }
    ObjectNode result = JSON.objectNode();
    Map<String, Integer> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = keyName(tuple.getKeyNode(), path);
      if (name == null) {
        continue;
      }
      String fieldPath = FieldNames.child(path, name);
      int keyLine = line(tuple.getKeyNode());
      if (!firstOccurrence(seen, name, fieldPath, keyLine)) {
        continue;
      }
      problems.recordLine(fieldPath, keyLine);
      ObjectSchema.Field field = schema.field(name);
      if (field == null) {
        problems.add(fieldPath, keyLine, FieldNames.unknownField(name, schema.fieldNames()));
        continue;
      }
      Node valueNode = tuple.getValueNode();
      if (isNull(valueNode) || field.type() == ObjectSchema.Type.IGNORED) {
        continue; // absent; "required" is checked below
      }
      JsonNode value = value(valueNode, field, fieldPath, keyLine);
      if (value != null) {
        result.set(name, value);
      }
    }
    for (ObjectSchema.Field field : schema.fields()) {
      String fieldPath = FieldNames.child(path, field.name());
      if (field.required() && !seen.containsKey(field.name())) {
        problems.add(fieldPath, ownerLine, "required");
      } else if (field.required() && isNullValue(mapping, field.name())) {
        problems.add(fieldPath, seen.get(field.name()), "required");
      } else if (field.defaultValue() != null && !result.has(field.name())) {
        result.set(field.name(), defaultValue(field));
      }
    }
    return result;
  }

  /** The name of a mapping key, or null (with a problem) when the key is not a plain string. */
  String keyName(Node keyNode, String path) {
    if (keyNode instanceof ScalarNode scalar && Tag.MERGE.equals(scalar.getTag())) {
      problems.add(path, line(keyNode), "merge keys (<<) are not supported; write the fields out");
      return null;
    }
    if (!(keyNode instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
      problems.add(path, line(keyNode), "field names must be strings, got " + describe(keyNode));
      return null;
    }
    return scalar.getValue();
  }

  /** Records a key's line; false (with a problem) if the mapping already had it. */
  boolean firstOccurrence(Map<String, Integer> seen, String name, String path, int line) {
    Integer first = seen.putIfAbsent(name, line);
    if (first != null) {
      problems.add(path, line, "duplicate key \"" + name + "\" (first at line " + first + ")");
      return false;
    }
    return true;
  }

  private JsonNode value(Node node, ObjectSchema.Field field, String path, int ownerLine) {
    return switch (field.type()) {
      case STRING -> string(node, field, path);
      case INTEGER -> integer(node, field, path);
      case BOOLEAN -> bool(node, path);
      case LIST -> list(node, field, path);
      case MAP -> map(node, field, path);
      case OBJECT -> object(node, field.object(), path, ownerLine);
      case IGNORED -> null;
    };
  }

  private JsonNode string(Node node, ObjectSchema.Field field, String path) {
    if (!(node instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
      String hint =
          node instanceof ScalarNode s ? " (quote it: \"" + shorten(s.getValue()) + "\")" : "";
      problems.add(path, line(node), "expected a string, got " + describe(node) + hint);
      return null;
    }
    String text = scalar.getValue();
    if (field.required() && text.isEmpty()) {
      problems.add(path, line(node), "required; must not be empty");
      return null;
    }
    if (field.maxLength() != null && text.length() > field.maxLength()) {
      problems.add(
          path,
          line(node),
          "\"" + shorten(text) + "\" is longer than " + field.maxLength() + " characters");
      return null;
    }
    if (field.pattern() != null && !field.pattern().matcher(text).matches()) {
      problems.add(
          path,
          line(node),
          "\"" + shorten(text) + "\" " + FieldFormats.describe(field.pattern().pattern()));
      return null;
    }
    return JSON.textNode(text);
  }

  private JsonNode integer(Node node, ObjectSchema.Field field, String path) {
    if (!(node instanceof ScalarNode scalar) || !Tag.INT.equals(scalar.getTag())) {
      problems.add(path, line(node), "expected an integer, got " + describe(node));
      return null;
    }
    String digits = scalar.getValue().replace("_", "");
    if (!digits.matches("[-+]?[0-9]+")) {
      problems.add(path, line(node), "expected a decimal integer, got \"" + shorten(digits) + "\"");
      return null;
    }
    BigInteger value = new BigInteger(digits);
    if (value.bitLength() > 31) {
      problems.add(path, line(node), "integer " + shorten(digits) + " is too large");
      return null;
    }
    if (field.min() != null && value.longValue() < field.min()) {
      problems.add(path, line(node), "must be at least " + field.min() + ", got " + value);
      return null;
    }
    return JSON.numberNode(value.intValue());
  }

  private JsonNode bool(Node node, String path) {
    if (!(node instanceof ScalarNode scalar) || !Tag.BOOL.equals(scalar.getTag())) {
      problems.add(path, line(node), "expected true or false, got " + describe(node));
      return null;
    }
    return JSON.booleanNode(
        TRUE_WORDS.contains(scalar.getValue().toLowerCase(java.util.Locale.ROOT)));
  }

  private JsonNode list(Node node, ObjectSchema.Field field, String path) {
    if (!(node instanceof SequenceNode sequence)) {
      problems.add(path, line(node), "expected a list, got " + describe(node));
      return null;
    }
    if (field.minItems() != null && sequence.getValue().size() < field.minItems()) {
      problems.add(
          path,
          line(node),
          field.minItems() == 1
              ? "must not be empty"
              : "must have at least " + field.minItems() + " items");
      return null;
    }
    ArrayNode result = JSON.arrayNode();
    int index = 0;
    for (Node item : sequence.getValue()) {
      String itemPath = FieldNames.item(path, index++);
      problems.recordLine(itemPath, line(item));
      JsonNode value = null;
      if (isNull(item)) {
        problems.add(itemPath, line(item), "expected a value, got null");
      } else {
        value = value(item, field.element(), itemPath, line(item));
      }
      // A placeholder keeps tree indexes equal to YAML indexes for the rules that follow.
      result.add(value == null ? JSON.nullNode() : value);
    }
    return result;
  }

  private JsonNode map(Node node, ObjectSchema.Field field, String path) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(path, line(node), "expected a mapping, got " + describe(node));
      return null;
    }
    ObjectNode result = JSON.objectNode();
    Map<String, Integer> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = keyName(tuple.getKeyNode(), path);
      if (key == null) {
        continue;
      }
      String entryPath = FieldNames.child(path, key);
      int keyLine = line(tuple.getKeyNode());
      if (!firstOccurrence(seen, key, entryPath, keyLine)) {
        continue;
      }
      problems.recordLine(entryPath, keyLine);
      JsonNode value = value(tuple.getValueNode(), field.element(), entryPath, keyLine);
      if (value != null) {
        result.set(key, value);
      }
    }
    return result;
  }

  private static JsonNode defaultValue(ObjectSchema.Field field) {
    return switch (field.type()) {
      case INTEGER -> JSON.numberNode(Integer.parseInt(field.defaultValue()));
      case BOOLEAN -> JSON.booleanNode(Boolean.parseBoolean(field.defaultValue()));
      default -> JSON.textNode(field.defaultValue());
    };
  }

  private static boolean isNullValue(MappingNode mapping, String name) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key && name.equals(key.getValue())) {
        return isNull(tuple.getValueNode());
      }
    }
    return false;
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
  }

  static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  /** How a value reads in a message: {@code integer 30}, {@code string "abc"}, {@code a list}. */
  static String describe(Node node) {
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    ScalarNode scalar = (ScalarNode) node;
    String value = shorten(scalar.getValue());
    Tag tag = scalar.getTag();
    if (Tag.STR.equals(tag)) {
      return "string \"" + value + "\"";
    }
    if (Tag.INT.equals(tag)) {
      return "integer " + value;
    }
    if (Tag.FLOAT.equals(tag)) {
      return "number " + value;
    }
    if (Tag.BOOL.equals(tag)) {
      return "boolean " + value;
    }
    if (Tag.NULL.equals(tag)) {
      return "null";
    }
    if (Tag.TIMESTAMP.equals(tag)) {
      return "timestamp " + value;
    }
    return "a value tagged " + tag.getValue();
  }

  static String shorten(String text) {
    return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "…";
  }
}
