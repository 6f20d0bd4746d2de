package dev.gryt.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pure parts of a cloud run: names, what is applied, how the agent's states read here. */
class CloudRunTest {
  @Test
  void theJobIsNamedAfterThePipelineWithinTheLimitOfAName() {
    assertThat(CloudRun.jobName("ci")).isEqualTo("ci-local");
    String long63 = "a".repeat(55) + "-" + "b".repeat(7);
    assertThat(CloudRun.jobName(long63)).hasSizeLessThanOrEqualTo(63).endsWith("-local");
    assertThat(CloudRun.jobName("a".repeat(57) + "-b")).isEqualTo("a".repeat(57) + "-local");
  }

  @Test
  void whatIsAppliedParsesBackAsThePipelineAndAJobOfIt() {
    LocalPipelines.Found found =
        new LocalPipelines.Found(
            ManifestParser.parse(
                    "ci.yaml",
                    """
                    apiVersion: gryt.io/v1
                    kind: Pipeline
                    metadata:
                      name: ci
                    spec:
                      steps:
                        - name: test
                          command: make test
                    """
                        .getBytes(StandardCharsets.UTF_8))
                .manifests()
                .stream()
                .map(m -> (dev.gryt.crds.Pipeline) m.resource())
                .findFirst()
                .orElseThrow(),
            java.nio.file.Path.of("ci.yaml"));

    ParseResult applied =
        ManifestParser.parse(
            "<applied>",
            CloudRun.manifests(found.pipeline(), "app").getBytes(StandardCharsets.UTF_8));

    assertThat(applied.problems()).isEmpty();
    assertThat(applied.manifests())
        .extracting(m -> m.resource().getKind() + "/" + m.resource().getMetadata().getName())
        .containsExactly("Pipeline/ci", "Job/ci-local");
    dev.gryt.crds.Job job = (dev.gryt.crds.Job) applied.manifests().get(1).resource();
    assertThat(job.getSpec().pipelineName).isEqualTo("ci");
    assertThat(job.getSpec().githubRepoName).isEqualTo("app");
    assertThat(CloudRun.manifests(found.pipeline(), null)).doesNotContain("github_repo_name");
  }

  @Test
  void theAgentsStepStatesReadAsALocalRunRecordsThem() {
    assertThat(CloudRun.stepStatus("Succeeded")).isEqualTo("pass");
    assertThat(CloudRun.stepStatus("Failed")).isEqualTo("fail");
    assertThat(CloudRun.stepStatus("TimedOut")).isEqualTo("timeout");
    assertThat(CloudRun.stepStatus("Cancelled")).isEqualTo("cancelled");
    assertThat(CloudRun.stepStatus("Skipped")).isEqualTo("skipped");
    assertThat(CloudRun.stepStatus("Pending")).isEqualTo("skipped");
    assertThat(CloudRun.stepStatus(null)).isEqualTo("skipped");
  }

  @Test
  void aGitHubReposUrlMatchesOriginWithOrWithoutDotGitAndLocalPathsAreFileUrls() {
    assertThat(ProjectCommit.url("/srv/git/app.git")).isEqualTo("file:///srv/git/app.git");
    assertThat(ProjectCommit.url("git@github.com:o/app.git")).isEqualTo("git@github.com:o/app.git");
    assertThat(
            ProjectCommit.sameRepository(
                "https://github.com/o/app", "https://github.com/o/app.git"))
        .isTrue();
    assertThat(
            ProjectCommit.sameRepository("https://github.com/o/app/", "https://github.com/o/app"))
        .isTrue();
    assertThat(ProjectCommit.sameRepository("https://github.com/o/app", "https://github.com/o/api"))
        .isFalse();
  }
}
