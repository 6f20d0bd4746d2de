package dev.gryt.cli.local;

import dev.gryt.cli.ProblemsException;
import dev.gryt.crds.manifest.AliasExpansion;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code .gryt/generations/VERSION.yaml}: {@code version}, {@code description}, {@code changes[]}
 * of {@code {id, type, title, description}}. Reading reports every problem as {@code file:line:
 * field: message}; writing produces a file that reads back to the same content.
 *
 * @param changes in file order
 */
public record GenerationFile(String version, String description, List<Change> changes) {
  private static final Set<String> TOP_FIELDS = Set.of("version", "description", "changes");
  private static final Set<String> CHANGE_FIELDS = Set.of("id", "type", "title", "description");

  /**
   * Reads and checks the file.
   *
   * @throws ProblemsException listing every problem, each with file, line and field
   */
  public static GenerationFile read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ProblemsException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(file.toString(), text);
  }

  /** Parses {@code text} as the file named {@code source}. */
  public static GenerationFile parse(String source, String text) {
    List<String> problems = new ArrayList<>();
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(10);
      options.setAllowDuplicateKeys(false);
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ProblemsException(
          List.of(
              source
                  + ":"
                  + line
                  + ": YAML syntax error: "
                  + String.valueOf(e.getProblem()).lines().findFirst().orElse("")));
    } catch (YAMLException e) {
      throw new ProblemsException(List.of(source + ": YAML error: " + e.getMessage()));
    }
    String expanded = root == null ? null : AliasExpansion.problem(root);
    if (expanded != null) {
      throw new ProblemsException(List.of(source + ":" + line(root) + ": " + expanded));
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ProblemsException(
          List.of(
              source
                  + ":"
                  + (root == null ? 1 : line(root))
                  + ": the file must be a mapping with version, description and changes"));
    }
    String version = null;
    String description = "";
    List<Change> changes = new ArrayList<>();
    boolean sawVersion = false;
    Set<String> seenKeys = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalarKey(tuple);
      Node value = tuple.getValueNode();
      if (!seenKeys.add(key)) {
        problems.add(at(source, tuple.getKeyNode(), key, "duplicate field"));
      } else if (!TOP_FIELDS.contains(key)) {
        problems.add(
            at(
                source,
                tuple.getKeyNode(),
                key,
                "unknown field (allowed: version, description, changes)"));
      } else if (key.equals("version")) {
        sawVersion = true;
        String v = string(source, value, "version", problems);
        if (v != null) {
          if (!Versions.valid(v)) {
            problems.add(
                at(
                    source,
                    value,
                    "version",
                    "'" + v + "' is not a semantic version such as v1.2.0"));
          } else {
            version = v.startsWith("v") ? v : "v" + v;
          }
        }
      } else if (key.equals("description")) {
        String d = isNull(value) ? "" : string(source, value, "description", problems);
        description = d == null ? "" : d;
      } else {
        changes = changes(source, value, problems);
      }
    }
    if (!sawVersion) {
      problems.add(source + ":" + line(mapping) + ": version: required");
    }
    if (!problems.isEmpty()) {
      throw new ProblemsException(problems);
    }
    return new GenerationFile(version, description, changes);
  }

  private static List<Change> changes(String source, Node node, List<String> problems) {
    List<Change> changes = new ArrayList<>();
    if (isNull(node)) {
      return changes;
    }
    if (!(node instanceof SequenceNode sequence)) {
      problems.add(at(source, node, "changes", "must be a list of {id, type, title, description}"));
      return changes;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      Node item = sequence.getValue().get(i);
      String path = "changes[" + i + "]";
      if (!(item instanceof MappingNode change)) {
        problems.add(at(source, item, path, "must be a mapping with id, type, title, description"));
        continue;
      }
      String id = null;
      String type = null;
      String title = null;
      String description = "";
      Set<String> seenFields = new HashSet<>();
      for (NodeTuple tuple : change.getValue()) {
        String key = scalarKey(tuple);
        Node value = tuple.getValueNode();
        String field = path + "." + key;
        if (!seenFields.add(key)) {
          problems.add(at(source, tuple.getKeyNode(), field, "duplicate field"));
          continue;
        }
        if (!CHANGE_FIELDS.contains(key)) {
          problems.add(
              at(
                  source,
                  tuple.getKeyNode(),
                  field,
                  "unknown field (allowed: id, type, title, description)"));
          continue;
        }
        String text =
            key.equals("description") && isNull(value)
                ? ""
                : string(source, value, field, problems);
        if (text == null) {
          continue;
        }
        switch (key) {
          case "id" -> {
            if (text.length() > Change.MAX_ID || !Change.ID.matcher(text).matches()) {
              problems.add(
                  at(
                      source,
                      value,
                      field,
                      "'"
                          + text
                          + "' must be letters, digits and single dashes, such as AUTH-12"
                          + " (at most "
                          + Change.MAX_ID
                          + ")"));
            } else if (!seen.add(text)) {
              problems.add(at(source, value, field, "duplicate change id " + text));
            } else {
              id = text;
            }
          }
          case "type" -> {
            if (!Change.TYPES.contains(text)) {
              problems.add(
                  at(
                      source,
                      value,
                      field,
                      "'" + text + "' is not one of fix, refine, add, remove"));
            } else {
              type = text;
            }
          }
          case "title" -> {
            if (text.isBlank()) {
              problems.add(at(source, value, field, "must not be empty"));
            } else {
              title = text;
            }
          }
          default -> description = text;
        }
      }
      Set<String> present = new HashSet<>();
      change.getValue().forEach(t -> present.add(scalarKey(t)));
      for (String required : List.of("id", "type", "title")) {
        if (!present.contains(required)) {
          problems.add(at(source, change, path + "." + required, "required"));
        }
      }
      if (id != null && type != null && title != null) {
        changes.add(new Change(id, type, title, description));
      }
    }
    return changes;
  }

  private static String string(String source, Node node, String field, List<String> problems) {
    if (node instanceof ScalarNode scalar && !isNull(node)) {
      // Numbers and booleans are strings too once quoted; accept them as their text.
      return scalar.getValue();
    }
    problems.add(at(source, node, field, "must be a string"));
    return null;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  private static String scalarKey(NodeTuple tuple) {
    return tuple.getKeyNode() instanceof ScalarNode s
        ? s.getValue()
        : String.valueOf(tuple.getKeyNode());
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private static String at(String source, Node node, String field, String message) {
    return source + ":" + line(node) + ": " + field + ": " + message;
  }

  /** The file's text: a short how-to in comments, then the fields, strings double-quoted. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("# Generation ").append(version).append(": the release contract.\n");
    out.append(
        "# changes: id (AUTH-12), type (fix | refine | add | remove), title, description.\n");
    out.append("# After editing: gryt generation update ").append(version).append('\n');
    out.append("version: ").append(quote(version)).append('\n');
    out.append("description: ").append(quote(description)).append('\n');
    if (changes.isEmpty()) {
      out.append("changes: []\n");
    } else {
      out.append("changes:\n");
      for (Change c : changes) {
        out.append("  - id: ").append(quote(c.id())).append('\n');
        out.append("    type: ").append(quote(c.type())).append('\n');
        out.append("    title: ").append(quote(c.title())).append('\n');
        out.append("    description: ").append(quote(c.description())).append('\n');
      }
    }
    return out.toString();
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, render(), StandardCharsets.UTF_8);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new dev.gryt.cli.CliException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /** A YAML double-quoted scalar; its escapes are JSON's. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : (text == null ? "" : text).toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
