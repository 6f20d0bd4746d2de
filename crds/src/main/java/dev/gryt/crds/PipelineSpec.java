package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** What a pipeline runs: its steps, in order, with defaults for all of them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"description", "image", "env", "timeout_seconds", "resources", "steps"})
public class PipelineSpec {
  /** The most steps one pipeline may have. */
  public static final int MAX_STEPS = 100;

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
  @Size(min = 1, max = MAX_STEPS)
  // Quadratic, so the list is bounded: the API server's cost budget refuses a rule over an
  // unbounded list. The manifest parser says which name and where.
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t.name == s.name))",
      message = "step names must be unique")
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
