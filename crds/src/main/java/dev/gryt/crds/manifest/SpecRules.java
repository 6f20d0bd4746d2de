package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceKind;
import java.util.Map;

/**
 * Rules of one kind that a field-by-field schema cannot express (uniqueness within a list, a closed
 * set of values, fields that exclude each other). They run on the spec's checked tree, so every
 * value they see already has the right type; a field that failed its type check is absent.
 */
interface SpecRules {
  /** Checks {@code spec} (path {@code spec}) and records problems. */
  void check(JsonNode spec, DocumentProblems problems);

  /** No rules beyond the schema. */
  SpecRules NONE = (spec, problems) -> {};

  Map<ResourceKind, SpecRules> BY_KIND =
      Map.of(
          ResourceKind.PIPELINE, new PipelineValidation(),
          ResourceKind.GITHUB_REPO, new GitHubRepoValidation(),
          ResourceKind.JOB, NONE,
          ResourceKind.WEBHOOK, new WebhookValidation(),
          ResourceKind.JOB_RUN, new JobRunValidation());

  static SpecRules of(ResourceKind kind) {
    return BY_KIND.getOrDefault(kind, NONE);
  }
}
