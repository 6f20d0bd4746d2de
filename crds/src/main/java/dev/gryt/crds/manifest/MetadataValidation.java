package dev.gryt.crds.manifest;

import dev.gryt.crds.FieldFormats;
import java.util.List;

/**
 * What a manifest's {@code metadata} may hold. Name and namespace follow {@link
 * FieldFormats#RESOURCE_NAME}, the rule references to other resources use too. Server-managed
 * fields (uid, resourceVersion, generation, creationTimestamp) are accepted so that a resource read
 * back from the server can be applied again, and dropped: the server sets them.
 */
final class MetadataValidation {
  static final String DEFAULT_NAMESPACE = "default";

  static final ObjectSchema SCHEMA =
      new ObjectSchema(
          "ObjectMeta",
          List.of(
              ObjectSchema.Field.of("name", ObjectSchema.Type.STRING)
                  .withRequired()
                  .withPattern(FieldFormats.RESOURCE_NAME),
              ObjectSchema.Field.of("namespace", ObjectSchema.Type.STRING)
                  .withPattern(FieldFormats.RESOURCE_NAME),
              ObjectSchema.Field.of("labels", ObjectSchema.Type.MAP)
                  .withElement(ObjectSchema.Field.of("labels", ObjectSchema.Type.STRING)),
              ObjectSchema.Field.of("annotations", ObjectSchema.Type.MAP)
                  .withElement(ObjectSchema.Field.of("annotations", ObjectSchema.Type.STRING)),
              ObjectSchema.Field.of("uid", ObjectSchema.Type.IGNORED),
              ObjectSchema.Field.of("resourceVersion", ObjectSchema.Type.IGNORED),
              ObjectSchema.Field.of("generation", ObjectSchema.Type.IGNORED),
              ObjectSchema.Field.of("creationTimestamp", ObjectSchema.Type.IGNORED)));

  private MetadataValidation() {}
}
