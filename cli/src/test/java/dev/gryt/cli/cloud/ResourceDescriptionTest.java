package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResourceDescriptionTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void showsIdentitySpecAsYamlAndConditions() throws Exception {
    JsonNode job =
        json(
            """
            {"id":"job-1","metadata":{"name":"my-app-ci","namespace":"default","generation":2,
               "creationTimestamp":"2026-01-01T11:00:00Z"},
             "spec":{"pipeline_name":"test-and-build","branch_override":"develop"},
             "status":{"observedGeneration":2,"conditions":[
               {"type":"Ready","status":"False","reason":"PipelineNotFound",
                "message":"pipeline test-and-build does not exist",
                "lastTransitionTime":"2026-01-01T11:58:00Z"}]}}
            """);

    assertThat(ResourceDescription.lines(ResourceKind.JOB, job, NOW))
        .containsExactly(
            "Name:                  my-app-ci",
            "Kind:                  Job",
            "Namespace:             default",
            "ID:                    job-1",
            "Generation:            2",
            "Observed generation:   2",
            "Created:               2026-01-01T11:00:00Z (1h ago)",
            "Spec:",
            "  pipeline_name: test-and-build",
            "  branch_override: develop",
            "Conditions:",
            "  TYPE    STATUS   REASON             AGE   MESSAGE",
            "  Ready   False    PipelineNotFound   2m    pipeline test-and-build does not exist");
  }

  @Test
  void runsAddPhaseAndStepsAndSayWhenThereAreNone() throws Exception {
    JsonNode run =
        json(
            """
            {"id":"run-1","metadata":{"name":"my-app-ci-x","namespace":"default"},
             "spec":{"job_name":"my-app-ci"},
             "status":{"phase":"Failed","steps":[
               {"name":"test","state":"Failed","exit_code":2,
                "started_at":"2026-01-01T11:59:00Z","finished_at":"2026-01-01T11:59:30Z"}]}}
            """);

    assertThat(ResourceDescription.lines(ResourceKind.JOB_RUN, run, NOW))
        .contains(
            "Phase:                 Failed",
            "Generation:            -",
            "Steps:",
            "  NAME   STATE    EXIT   STARTED                FINISHED",
            "  test   Failed   2      2026-01-01T11:59:00Z   2026-01-01T11:59:30Z",
            "Conditions:",
            "  <none>");
  }

  private static JsonNode json(String text) throws Exception {
    return ResourceCodec.json().readTree(text);
  }
}
