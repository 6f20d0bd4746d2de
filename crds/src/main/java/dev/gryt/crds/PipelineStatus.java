package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Observed state of a Pipeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PipelineStatus extends GrytStatus {}
