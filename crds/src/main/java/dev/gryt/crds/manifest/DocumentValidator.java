package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ObjectSize;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Validates one YAML document as a {@code gryt.io/v1} resource: the envelope (apiVersion, kind,
 * metadata), the spec against its kind's schema and rules, then converts what passed into the typed
 * resource. A status in the manifest is ignored: status belongs to the controller.
 */
final class DocumentValidator {
  private static final List<String> TOP_LEVEL =
      List.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final List<String> KIND_NAMES =
      Arrays.stream(ResourceKind.values()).map(ResourceKind::kind).toList();
  private static final Map<ResourceKind, ObjectSchema> SPEC_SCHEMAS = specSchemas();

  /**
   * What one document gave. {@code key} is set whenever kind and name are valid, even if other
   * fields are not, so duplicates are found among broken documents too; {@code resource} only when
   * the document has no problems.
   */
  record Result(
      GrytResource<?, ?> resource,
      ResourceKey key,
      int line,
      int nameLine,
      List<Problem> problems) {}

  /** Identity of a resource within one apply: kind, namespace and name. */
  record ResourceKey(ResourceKind kind, String namespace, String name) {
    @Override
    public String toString() {
      return kind.kind() + " \"" + name + "\" in namespace \"" + namespace + "\"";
    }
  }

  private DocumentValidator() {}

  private static Map<ResourceKind, ObjectSchema> specSchemas() {
    Map<ResourceKind, ObjectSchema> schemas = new EnumMap<>(ResourceKind.class);
    for (ResourceKind kind : ResourceKind.values()) {
      schemas.put(kind, ObjectSchema.of(specType(kind)));
    }
    return schemas;
  }

  /** The spec class of a kind, read from the {@code CustomResource<S, T>} type arguments. */
  private static Class<?> specType(ResourceKind kind) {
    return ResourceCodec.json()
        .getTypeFactory()
        .constructType(kind.type())
        .findTypeParameters(io.fabric8.kubernetes.client.CustomResource.class)[0]
        .getRawClass();
  }

  static Result validate(String source, Node root) {
    int line = SchemaWalker.line(root);
    DocumentProblems problems = new DocumentProblems(source, line);
    SchemaWalker walker = new SchemaWalker(problems);
    if (!(root instanceof MappingNode mapping)) {
      problems.add(
          "",
          line,
          "a manifest must be a mapping with apiVersion, kind, metadata and spec; got "
              + SchemaWalker.describe(root));
      return new Result(null, null, line, line, problems.problems());
    }
    Map<String, NodeTuple> fields = topLevelFields(mapping, walker, problems);

    String apiVersion = envelopeString(fields, "apiVersion", problems);
    if (apiVersion != null && !GrytResource.API_VERSION.equals(apiVersion)) {
      problems.add(
          "apiVersion",
          "unsupported apiVersion \""
              + SchemaWalker.shorten(apiVersion)
              + "\"; expected \""
              + GrytResource.API_VERSION
              + "\"");
    }
    ResourceKind kind = kind(envelopeString(fields, "kind", problems), problems);

    ObjectNode metadata = null;
    int nameLine = line;
    NodeTuple metadataField = fields.get("metadata");
    if (metadataField == null || SchemaWalker.isNull(metadataField.getValueNode())) {
      problems.add("metadata", line, "required");
    } else {
      int metadataLine = SchemaWalker.line(metadataField.getKeyNode());
      metadata =
          walker.object(
              metadataField.getValueNode(), MetadataValidation.SCHEMA, "metadata", metadataLine);
      nameLine = problems.lineOf("metadata.name");
    }

    ObjectNode spec = null;
    NodeTuple specField = fields.get("spec");
    if (kind != null) {
      if (specField == null || SchemaWalker.isNull(specField.getValueNode())) {
        problems.add("spec", line, "required");
      } else {
        spec =
            walker.object(
                specField.getValueNode(),
                SPEC_SCHEMAS.get(kind),
                "spec",
                SchemaWalker.line(specField.getKeyNode()));
        if (spec != null) {
          SpecRules.of(kind).check(spec, problems);
        }
      }
    }

    ResourceKey key = null;
    if (kind != null && metadata != null && metadata.hasNonNull("name")) {
      String namespace =
          metadata.hasNonNull("namespace")
              ? metadata.get("namespace").asText()
              : MetadataValidation.DEFAULT_NAMESPACE;
      metadata.put("namespace", namespace);
      key = new ResourceKey(kind, namespace, metadata.get("name").asText());
    }
    GrytResource<?, ?> resource = null;
    if (problems.isEmpty() && key != null && spec != null) {
      resource = convert(kind, metadata, spec, problems);
    }
    if (resource != null) {
      Optional<String> tooLarge = ObjectSize.problem(resource);
      if (tooLarge.isPresent()) {
        problems.add("", line, tooLarge.get());
        resource = null;
      }
    }
    return new Result(resource, key, line, nameLine, problems.problems());
  }

  /** The document's top-level fields by name, reporting unknown and duplicate ones. */
  private static Map<String, NodeTuple> topLevelFields(
      MappingNode mapping, SchemaWalker walker, DocumentProblems problems) {
    Map<String, NodeTuple> fields = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = walker.keyName(tuple.getKeyNode(), "");
      if (name == null) {
        continue;
      }
      int keyLine = SchemaWalker.line(tuple.getKeyNode());
      if (!walker.firstOccurrence(seen, name, name, keyLine)) {
        continue;
      }
      problems.recordLine(name, keyLine);
      if (!TOP_LEVEL.contains(name)) {
        problems.add(name, keyLine, FieldNames.unknownField(name, TOP_LEVEL));
        continue;
      }
      fields.put(name, tuple);
    }
    return fields;
  }

  private static String envelopeString(
      Map<String, NodeTuple> fields, String name, DocumentProblems problems) {
    NodeTuple field = fields.get(name);
    if (field == null || SchemaWalker.isNull(field.getValueNode())) {
      problems.add(name, "required");
      return null;
    }
    Node value = field.getValueNode();
    if (!(value instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
      problems.add(
          name, SchemaWalker.line(value), "expected a string, got " + SchemaWalker.describe(value));
      return null;
    }
    return scalar.getValue();
  }

  private static ResourceKind kind(String kindName, DocumentProblems problems) {
    if (kindName == null) {
      return null;
    }
    return ResourceKind.fromKind(kindName)
        .orElseGet(
            () -> {
              String hint =
                  FieldNames.nearest(kindName, KIND_NAMES)
                      .map(k -> "did you mean \"" + k + "\"? ")
                      .orElse("");
              problems.add(
                  "kind",
                  "unknown kind \""
                      + SchemaWalker.shorten(kindName)
                      + "\"; "
                      + hint
                      + "valid kinds: "
                      + String.join(", ", KIND_NAMES));
              return null;
            });
  }

  private static GrytResource<?, ?> convert(
      ResourceKind kind, ObjectNode metadata, JsonNode spec, DocumentProblems problems) {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    tree.put("apiVersion", GrytResource.API_VERSION);
    tree.put("kind", kind.kind());
    tree.set("metadata", metadata);
    tree.set("spec", spec);
    try {
      return ResourceCodec.fromTree(kind.type(), tree);
    } catch (RuntimeException e) {
      // The schema walk accepted it, so this is a mismatch between schema and classes: a bug,
      // but still reported as a problem rather than thrown at the caller.
      problems.add("", "cannot convert to " + kind.kind() + ": " + e.getMessage());
      return null;
    }
  }
}
