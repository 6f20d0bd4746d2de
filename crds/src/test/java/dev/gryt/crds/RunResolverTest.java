package dev.gryt.crds;

import static dev.gryt.crds.RunFixtures.job;
import static dev.gryt.crds.RunFixtures.pipeline;
import static dev.gryt.crds.RunFixtures.reader;
import static dev.gryt.crds.RunFixtures.repo;
import static dev.gryt.crds.RunFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a run runs: one answer for agents, batch Jobs and the reconciler's deadline. */
class RunResolverTest {
  static final String URL = "https://example.com/app.git";

  static RunResolver.Resolved resolved(JobRun run, Job job, GitHubRepo repo) {
    RunResolver.Resolution resolution =
        RunResolver.resolve(run, reader(job, pipeline("build", "make"), repo));
    assertThat(resolution).isInstanceOf(RunResolver.Resolved.class);
    return (RunResolver.Resolved) resolution;
  }

  @Test
  void aRepoStoredWithoutABranchResolvesAsTheCrdDefaultWouldHaveIt() {
    // The standalone stores keep what was applied; Kubernetes fills in the CRD's default "main".
    RunResolver.Resolved standalone =
        resolved(run("ci"), job("ci", "build", "app"), repo("app", URL, null));
    RunResolver.Resolved kubernetes =
        resolved(
            run("ci"), job("ci", "build", "app"), repo("app", URL, GitHubRepoSpec.DEFAULT_BRANCH));

    assertThat(standalone.ref()).isEqualTo("main").isEqualTo(kubernetes.ref());
    assertThat(standalone.checkout()).isEqualTo("main").isEqualTo(kubernetes.checkout());
    assertThat(standalone.sha()).isNull();
    assertThat(standalone.timeout()).isEqualTo(kubernetes.timeout()).isEqualTo(Duration.ofHours(1));
    assertThat(standalone.declaredTimeoutSeconds()).isNull();
  }

  @Test
  void theRunsRefWinsOverTheJobsBranchWhichWinsOverTheReposAndTheCommitOverAll() {
    GitHubRepo repo = repo("app", URL, "develop");
    Job job = job("ci", "build", "app");
    assertThat(resolved(run("ci"), job, repo).ref()).isEqualTo("develop");

    job.getSpec().branchOverride = "release";
    assertThat(resolved(run("ci"), job, repo).ref()).isEqualTo("release");

    JobRun pushed = run("ci");
    pushed.getSpec().ref = "feature";
    assertThat(resolved(pushed, job, repo).ref()).isEqualTo("feature");
    assertThat(resolved(pushed, job, repo).checkout()).isEqualTo("feature");

    pushed.getSpec().sha = "a".repeat(40);
    assertThat(resolved(pushed, job, repo).ref()).isEqualTo("feature");
    assertThat(resolved(pushed, job, repo).checkout()).isEqualTo("a".repeat(40));

    job.getSpec().branchOverride = " ";
    repo.getSpec().branch = "";
    assertThat(resolved(run("ci"), job, repo).ref()).isEqualTo("main");
  }

  @Test
  void theRunsTimeoutWinsOverThePipelinesWhichWinsOverTheDefault() {
    Pipeline pipeline = pipeline("build", "make");
    JobRun run = run("ci");
    assertThat(RunResolver.timeout(run, pipeline)).isEqualTo(RunResolver.DEFAULT_TIMEOUT);
    assertThat(RunResolver.timeout(run, null)).isEqualTo(RunResolver.DEFAULT_TIMEOUT);

    pipeline.getSpec().timeoutSeconds = 600;
    assertThat(RunResolver.timeout(run, pipeline)).isEqualTo(Duration.ofMinutes(10));
    assertThat(RunResolver.declaredTimeoutSeconds(run, pipeline)).isEqualTo(600);

    run.getSpec().timeoutSeconds = 60;
    assertThat(RunResolver.timeout(run, pipeline)).isEqualTo(Duration.ofMinutes(1));
    assertThat(RunResolver.timeout(run, null)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void saysWhichResourceIsMissing() {
    Job job = job("ci", "build", "app");
    assertThat(RunResolver.resolve(run("ci"), reader()))
        .isEqualTo(new RunResolver.Unresolvable(JobRunReason.JOB_NOT_FOUND, "job", "ci"));
    assertThat(RunResolver.resolve(run("ci"), reader(job)))
        .isEqualTo(
            new RunResolver.Unresolvable(JobRunReason.PIPELINE_NOT_FOUND, "pipeline", "build"));
    RunResolver.Resolution noRepo = RunResolver.resolve(run("ci"), reader(job, pipeline("build")));
    assertThat(noRepo)
        .isEqualTo(new RunResolver.Unresolvable(JobRunReason.REPO_NOT_FOUND, "github repo", "app"));
    assertThat(((RunResolver.Unresolvable) noRepo).message())
        .isEqualTo("github repo app does not exist");
  }

  @Test
  void aJobWithoutARepositoryResolvesWithoutOne() {
    RunResolver.Resolution resolution =
        RunResolver.resolve(
            run("local"), reader(job("local", "build", null), pipeline("build", "make")));

    assertThat(resolution).isInstanceOf(RunResolver.Resolved.class);
    assertThat(((RunResolver.Resolved) resolution).repo()).isNull();
    assertThat(((RunResolver.Resolved) resolution).ref()).isEqualTo("main");
  }
}
