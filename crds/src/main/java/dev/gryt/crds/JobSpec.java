package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Which pipeline runs on which repository. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"description", "pipeline_name", "github_repo_name", "branch_override"})
public class JobSpec {
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
}
