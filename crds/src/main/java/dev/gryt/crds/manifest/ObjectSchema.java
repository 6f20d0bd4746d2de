package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.gryt.crds.ResourceCodec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields a mapping may hold and what each must be, derived from a spec class through Jackson's
 * view of it (JSON names, types) and fabric8's generator annotations ({@code @Required}, {@code
 * Min}, {@code @Size}, {@code @Pattern}, {@code @Default}) — the same sources the CRD schema is
 * generated from, so the parser and the API server agree on what is valid.
 */
final class ObjectSchema {
  /** The shapes a YAML value can be checked against. */
  enum Type {
    STRING,
    INTEGER,
    BOOLEAN,
    LIST,
    MAP,
    OBJECT,
    /** Accepted without checks and dropped (server-managed metadata). */
    IGNORED
  }

  /**
   * One field. {@code element} describes list items and map values; {@code object} describes a
   * nested object. Constraints are null when absent; {@code maxLength} (a string's, from
   * {@code @Size(max)}) is checked before {@code pattern}, which then never runs on overlong input.
   */
  record Field(
      String name,
      Type type,
      Field element,
      ObjectSchema object,
      boolean required,
      Long min,
      Long minItems,
      Long maxLength,
      java.util.regex.Pattern pattern,
      String defaultValue) {

    static Field of(String name, Type type) {
      return new Field(name, type, null, null, false, null, null, null, null, null);
    }

    Field withRequired() {
      return new Field(
          name, type, element, object, true, min, minItems, maxLength, pattern, defaultValue);
    }

    Field withPattern(String regex) {
      return new Field(
          name,
          type,
          element,
          object,
          required,
          min,
          minItems,
          maxLength,
          java.util.regex.Pattern.compile(regex),
          defaultValue);
    }

    Field withElement(Field value) {
      return new Field(
          name, type, value, object, required, min, minItems, maxLength, pattern, defaultValue);
    }
  }

  private final String typeName;
  private final Map<String, Field> fields;

  ObjectSchema(String typeName, List<Field> fields) {
    this.typeName = typeName;
    Map<String, Field> byName = new LinkedHashMap<>();
    for (Field f : fields) {
      byName.put(f.name(), f);
    }
    this.fields = Collections.unmodifiableMap(byName);
  }

  String typeName() {
    return typeName;
  }

  Field field(String name) {
    return fields.get(name);
  }

  Set<String> fieldNames() {
    return fields.keySet();
  }

  Iterable<Field> fields() {
    return fields.values();
  }

  /** The schema of a POJO spec class, built once per parser class load. */
  static ObjectSchema of(Class<?> type) {
    ObjectMapper mapper = ResourceCodec.json();
    return of(mapper, mapper.constructType(type));
  }

  private static ObjectSchema of(ObjectMapper mapper, JavaType type) {
    BeanDescription description = mapper.getDeserializationConfig().introspect(type);
    List<Field> fields = new ArrayList<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (!property.couldDeserialize()) {
        continue;
      }
      AnnotatedMember member = property.getPrimaryMember();
      Field field = shape(mapper, property.getName(), property.getPrimaryType());
      fields.add(constrained(field, member));
    }
    return new ObjectSchema(type.getRawClass().getSimpleName(), fields);
  }

  private static Field shape(ObjectMapper mapper, String name, JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw == String.class || raw.isEnum()) {
      return Field.of(name, Type.STRING);
    }
    if (raw == Integer.class
        || raw == int.class
        || raw == Long.class
        || raw == long.class
        || raw == Short.class
        || raw == short.class) {
      return Field.of(name, Type.INTEGER);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return Field.of(name, Type.BOOLEAN);
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      return Field.of(name, Type.LIST).withElement(shape(mapper, name, type.getContentType()));
    }
    if (type.isMapLikeType()) {
      return Field.of(name, Type.MAP).withElement(shape(mapper, name, type.getContentType()));
    }
    return new Field(
        name, Type.OBJECT, null, of(mapper, type), false, null, null, null, null, null);
  }

  private static Field constrained(Field field, AnnotatedMember member) {
    if (member == null) {
      return field;
    }
    Min min = member.getAnnotation(Min.class);
    Size size = member.getAnnotation(Size.class);
    Pattern pattern = member.getAnnotation(Pattern.class);
    Default defaultValue = member.getAnnotation(Default.class);
    return new Field(
        field.name(),
        field.type(),
        field.element(),
        field.object(),
        member.hasAnnotation(Required.class),
        min == null ? null : (long) min.value(),
        size == null || size.min() <= 0 ? null : size.min(),
        size == null || size.max() == Long.MAX_VALUE || field.type() != Type.STRING
            ? null
            : size.max(),
        pattern == null ? null : java.util.regex.Pattern.compile(pattern.value()),
        defaultValue == null ? null : defaultValue.value());
  }
}
