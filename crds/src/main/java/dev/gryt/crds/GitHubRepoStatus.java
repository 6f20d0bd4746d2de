package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Observed state of a GitHubRepo. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitHubRepoStatus extends GrytStatus {}
