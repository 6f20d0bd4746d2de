package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/** What a pipeline runs: its steps, in order, with defaults for all of them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"description", "image", "env", "timeout_seconds", "resources", "steps"})
public class PipelineSpec {
  public String description;

  @JsonPropertyDescription("Default container image for steps that name none.")
  @Pattern(FieldFormats.IMAGE_REFERENCE)
  @Size(max = ImageReferences.MAX_LENGTH)
  public String image;

  public Map<String, String> env;

  @JsonProperty("timeout_seconds")
  @Min(1)
  public Integer timeoutSeconds;

  public Resources resources;

  @Required
  @Size(min = 1)
  // Unique step names are checked by the manifest parser only: the CEL rule for it is quadratic
  // on an unbounded list, which the API server's cost budget may refuse.
  public List<Step> steps;

  /** One command of a pipeline. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "command", "image", "env", "timeout_seconds", "retries"})
  public static class Step {
    @Required public String name;

    @Required public String command;

    @Pattern(FieldFormats.IMAGE_REFERENCE)
    @Size(max = ImageReferences.MAX_LENGTH)
    public String image;

    public Map<String, String> env;

    @JsonProperty("timeout_seconds")
    @Min(1)
    public Integer timeoutSeconds;

    @Min(0)
    public Integer retries;
  }

  /** CPU and memory limits, in Kubernetes quantity notation ({@code 500m}, {@code 1Gi}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Resources {
    public String cpu;
    public String memory;
  }
}
