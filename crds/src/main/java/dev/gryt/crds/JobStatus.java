package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Observed state of a Job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobStatus extends GrytStatus {}
