package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Status shared by every kind: the generation last reconciled and the conditions observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GrytStatus {
  public Long observedGeneration;

  public List<Condition> conditions = new ArrayList<>();

  public Optional<Condition> condition(String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.type)).findFirst();
  }
}
