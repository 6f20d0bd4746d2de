package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** A trigger for a Job, with optional GitHub signature secret and event/branch filters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"description", "job_name", "secret", "events", "branches"})
public class WebhookSpec {
  public String description;

  @JsonProperty("job_name")
  @Required
  @Pattern(FieldFormats.RESOURCE_NAME)
  public String jobName;

  @JsonPropertyDescription("Shared secret for X-Hub-Signature-256; write-only, never returned.")
  public String secret;

  @JsonPropertyDescription(
      "GitHub events that trigger a run (push, pull_request, manual); all if empty.")
  @ValidationRule(
      value = "self.all(e, e in ['push', 'pull_request', 'manual'])",
      message = "events must be push, pull_request or manual")
  public List<String> events;

  @JsonPropertyDescription("Branches that trigger a run; all if empty.")
  public List<String> branches;
}
