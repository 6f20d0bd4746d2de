package dev.gryt.crds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.LoaderOptions;

/** JSON and YAML forms of resources, with one Jackson configuration for the whole project. */
public final class ResourceCodec {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private static final ObjectMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .loaderOptions(yamlLimits())
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private ResourceCodec() {}

  /**
   * What YAML read through Jackson may hold (a pipeline's {@code config}): the manifest parser's
   * limits. Jackson reads an alias as its anchor's name, never expanding it, so these bound nesting
   * and size.
   */
  private static LoaderOptions yamlLimits() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(32);
    options.setCodePointLimit(4 * 1024 * 1024);
    options.setAllowRecursiveKeys(false);
    return options;
  }

  /** The shared JSON mapper; treat as read-only. */
  public static ObjectMapper json() {
    return JSON;
  }

  public static ObjectMapper yaml() {
    return YAML;
  }

  public static byte[] toJsonBytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String toYaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode toTree(Object value) {
    return JSON.valueToTree(value);
  }

  /** Reads a resource of a known kind from its JSON form. */
  public static <R extends GrytResource<?, ?>> R fromJson(Class<R> type, byte[] json) {
    try {
      return JSON.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static GrytResource<?, ?> fromJson(ResourceKind kind, byte[] json) {
    return fromJson(kind.type(), json);
  }

  public static <R extends GrytResource<?, ?>> R fromTree(Class<R> type, JsonNode tree) {
    try {
      return JSON.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A deep copy, so callers never share mutable state with a store or cache. */
  @SuppressWarnings("unchecked")
  public static <R extends GrytResource<?, ?>> R copy(R resource) {
    return (R) fromJson(resource.getClass(), toJsonBytes(resource));
  }
}
