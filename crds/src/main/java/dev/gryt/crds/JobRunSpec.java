package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What to run: a Job at a ref/commit, and what triggered it. The provenance ({@code trigger},
 * {@code event}, {@code branch}, {@code started_by}, {@code retry_of}) is written by the server
 * that creates the run ({@link JobRunFactory}); a client's copy of it is replaced.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "job_name",
  "ref",
  "sha",
  "trigger",
  "event",
  "branch",
  "started_by",
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

  /**
   * The event that led to the run: {@code push}, {@code pull_request}, {@code manual} (an API call,
   * or a webhook triggered by hand); a retry keeps its original's. Set by the server.
   */
  public String event;

  /**
   * The branch the run builds (a push's, a pull request's head), when it is one. Set by the server.
   */
  public String branch;

  /** Who or what started the run. Set by the server, never taken from a request. */
  @JsonProperty("started_by")
  public RunOrigin startedBy;

  /** The id of the run this one retries. */
  @JsonProperty("retry_of")
  public String retryOf;

  /** Deadline of the whole run, counted from its creation; default from the pipeline. */
  @JsonProperty("timeout_seconds")
  public Integer timeoutSeconds;

  /** Set to ask for the run to stop; the run ends Cancelled. */
  @JsonProperty("cancel_requested")
  public Boolean cancelRequested;
}
