package dev.gryt.operator;

import static dev.gryt.operator.ReconcilersTest.job;
import static dev.gryt.operator.ReconcilersTest.meta;
import static dev.gryt.operator.ReconcilersTest.pipeline;
import static dev.gryt.operator.ReconcilersTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an agent is sent for a run, with and without a repository. */
class RunAssignmentTest {
  final ReconcilersTest.MapLookup lookup = new ReconcilersTest.MapLookup();

  static JobRun run(String job) {
    JobRun run = new JobRun();
    run.setMetadata(meta(job + "-abc"));
    run.setSpec(new JobRunSpec());
    run.getSpec().jobName = job;
    return run;
  }

  @Test
  void aJobWithoutARepositoryIsSentWithoutOneAndItsStepsRunInAnEmptyWorkspace() {
    lookup.add(pipeline("build", "make", null));
    lookup.add(job("local", "build", null));

    RunAssignment.Resolution resolution = RunAssignment.resolve(run("local"), lookup);

    assertThat(resolution).isInstanceOf(RunAssignment.Resolved.class);
    ObjectNode body =
        RunAssignment.body(
            run("local"),
            1,
            (RunAssignment.Resolved) resolution,
            Optional.empty(),
            "http://server/report",
            "t");
    assertThat(body.has("repo")).isFalse();
    assertThat(body.path("pipeline").path("steps").get(0).path("command").asText())
        .isEqualTo("make");
  }

  @Test
  void aJobNamingARepositoryThatIsGoneCannotBeResolved() {
    lookup.add(pipeline("build", "make", null));
    lookup.add(job("ci", "build", "app"));

    assertThat(RunAssignment.resolve(run("ci"), lookup))
        .isEqualTo(
            new RunAssignment.Unresolvable(
                Reasons.REPO_NOT_FOUND, "github repo app does not exist"));

    lookup.add(repo("app", "https://example.com/app.git"));
    ObjectNode body =
        RunAssignment.body(
            run("ci"),
            1,
            (RunAssignment.Resolved) RunAssignment.resolve(run("ci"), lookup),
            Optional.of("secret"),
            "http://server/report",
            "t");
    assertThat(body.path("repo").path("git_url").asText()).isEqualTo("https://example.com/app.git");
    assertThat(body.path("repo").path("token").asText()).isEqualTo("secret");
  }
}
