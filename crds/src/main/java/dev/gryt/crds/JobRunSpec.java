package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What to run: a Job at a ref/commit, and what triggered it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "job_name",
  "ref",
  "sha",
  "trigger",
  "retry_of",
  "timeout_seconds",
  "cancel_requested"
})
public class JobRunSpec {
  @JsonProperty("job_name")
  @Required
  @Pattern(FieldFormats.RESOURCE_NAME)
  public String jobName;

  public String ref;

  public String sha;

  /** What started the run: {@code webhook}, {@code manual}, {@code retry}. */
  @ValidationRule(
      value = "self in ['webhook', 'manual', 'retry']",
      message = "trigger must be webhook, manual or retry")
  public String trigger;

  @JsonProperty("retry_of")
  public String retryOf;

  /** Deadline of the whole run, counted from its creation; default from the pipeline. */
  @JsonProperty("timeout_seconds")
  public Integer timeoutSeconds;

  /** Set to ask for the run to stop; the run ends Cancelled. */
  @JsonProperty("cancel_requested")
  public Boolean cancelRequested;
}
