package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Base of every {@code gryt.io/v1} kind.
 *
 * @param <S> spec type
 * @param <T> status type
 */
@ValidationRule(value = "has(self.spec)", message = "spec: required")
@ValidationRule(
    value = "!has(self.metadata.name) || size(self.metadata.name) <= 63",
    message = "metadata.name: at most 63 characters")
public abstract class GrytResource<S, T extends GrytStatus> extends CustomResource<S, T>
    implements Namespaced {

  public static final String GROUP = "gryt.io";
  public static final String VERSION = "v1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Label that records the typed id ({@code pipe-…}) a person types. */
  public static final String ID_LABEL = "gryt.io/id";

  /** Label that records the apply-set a resource was applied under (for prune). */
  public static final String APPLYSET_LABEL = "gryt.io/applyset";

  /** The typed id of this resource, or null before it is stored. */
  @JsonIgnore
  public String id() {
    var meta = getMetadata();
    return meta == null || meta.getLabels() == null ? null : meta.getLabels().get(ID_LABEL);
  }

  @JsonIgnore
  public ResourceKind kind() {
    return ResourceKind.of(getClass());
  }
}
