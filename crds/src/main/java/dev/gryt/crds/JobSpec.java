package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Which pipeline runs on which repository, how many runs at once, and how many are kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "description",
  "pipeline_name",
  "github_repo_name",
  "branch_override",
  "concurrency_policy",
  "max_concurrent_runs",
  "history_limit"
})
public class JobSpec {
  public static final String ALLOW = "allow";
  public static final String FORBID = "forbid";
  public static final String REPLACE = "replace";

  /** Finished runs kept per Job when {@code history_limit} is not set. */
  public static final int DEFAULT_HISTORY_LIMIT = 20;

  public String description;

  @JsonProperty("pipeline_name")
  @Required
  @Pattern(FieldFormats.RESOURCE_NAME)
  public String pipelineName;

  @JsonProperty("github_repo_name")
  @Pattern(FieldFormats.RESOURCE_NAME)
  public String githubRepoName;

  @JsonProperty("branch_override")
  public String branchOverride;

  @JsonProperty("concurrency_policy")
  @JsonPropertyDescription(
      "What a new run does while others of this Job are active: allow (wait for a slot of"
          + " max_concurrent_runs), forbid (end Cancelled instead of waiting), replace (cancel"
          + " the older active runs). Default allow.")
  @Pattern("^(allow|forbid|replace)$")
  public String concurrencyPolicy;

  @JsonProperty("max_concurrent_runs")
  @JsonPropertyDescription("Runs of this Job active at once; unlimited if unset (1 under forbid).")
  @Min(1)
  public Integer maxConcurrentRuns;

  @JsonProperty("history_limit")
  @JsonPropertyDescription("Finished runs kept; older ones are deleted. Default 20.")
  @Min(0)
  public Integer historyLimit;
}
