package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code gryt run} and {@code gryt evolution prove} in cloud mode, as a user runs them: a real
 * {@code gryt server} process on SQLite with its in-process agent on the process runner, and a
 * project in cloud mode driving {@code bin/gryt}. Asserts what the command printed, its exit code,
 * what {@code gryt.db} recorded and what the server holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudRunIT {
  private static final String PASSING =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: cloudy
      spec:
        steps:
          - name: where
            command: test -z "$(ls -A)" && echo "empty workspace on the agent"
          - name: greet
            command: echo one; echo two
      """;
  private static final String FAILING =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: broken
      spec:
        steps:
          - name: first
            command: echo one; echo two
          - name: fails
            command: echo about to fail; exit 3
          - name: never
            command: echo never
      """;

  private Path dir;
  private Path project;
  private Gryt gryt;
  private int port;
  private Process server;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-cloud-run-");
    project = dir.resolve("project");
    Files.createDirectories(project);
    // One GRYT_HOME for the server and the developer: the server writes its admin key there, and
    // gryt finds it for that server as it does on a developer's machine after gryt server.
    gryt = new Gryt(dir.resolve("home"), project);
    port = Gryt.freePort();
    Path log = dir.resolve("server.log");
    server =
        gryt.start(
            log,
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("server.db"),
            "--runner",
            "process");
    Gryt.awaitUp(server, log, "http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(60));
    gryt.env("GRYT_URL", "http://127.0.0.1:" + port);
    ok("init");
    ok("config", "execution_mode", "cloud");
    Files.writeString(project.resolve(".gryt/pipelines/cloudy.yaml"), PASSING);
    Files.writeString(project.resolve(".gryt/pipelines/broken.yaml"), FAILING);
  }

  @AfterAll
  void stop() {
    Gryt.stop(server);
  }

  @Test
  void aPassingPipelineRunsOnTheServersAgentAndIsRecordedHere() throws Exception {
    Gryt.Result r = ok("run", "cloudy");
    String runId = runId(r);
    assertThat(r.outLines())
        .contains(
            "==> where",
            "  empty workspace on the agent",
            "==> greet",
            "  one",
            "  two",
            "run " + runId + " passed");
    assertThat(r.out()).contains("<== greet: pass (exit 0");
    assertThat(server("/api/v1/runs/" + runId).path("status").path("phase").asText())
        .isEqualTo("Succeeded");
    assertThat(server("/api/v1/jobs/cloudy-local").path("spec").path("pipeline_name").asText())
        .isEqualTo("cloudy");
    assertThat(
            db(
                "SELECT pipeline, status, runner LIKE 'cloud:%' FROM runs WHERE id = '"
                    + runId
                    + "'"))
        .containsExactly("cloudy|pass|1");
    assertThat(
            db(
                "SELECT name, status, exit_code, output FROM run_steps WHERE run_id = '"
                    + runId
                    + "' ORDER BY position"))
        .containsExactly("where|pass|0|empty workspace on the agent\n", "greet|pass|0|one\ntwo\n");
  }

  @Test
  void aFailingPipelineExitsAsALocalRunDoesWithTheFailingStepsOutput() throws Exception {
    Gryt.Result cloud = gryt.run("run", "broken");
    Gryt.Result local = gryt.run("run", "broken", "--local");
    assertThat(local.exitCode()).isEqualTo(1);
    assertThat(cloud.exitCode()).as(cloud.out() + cloud.err()).isEqualTo(local.exitCode());
    String runId = runId(cloud);
    assertThat(cloud.outLines())
        .contains("  one", "  two", "==> fails", "  about to fail", "run " + runId + " failed")
        .doesNotContain("  never");
    assertThat(cloud.err().strip())
        .isEqualTo("error: step fails failed (exit 3) (run " + runId + "; output above)");
    assertThat(server("/api/v1/runs/" + runId).path("status").path("phase").asText())
        .isEqualTo("Failed");
    assertThat(
            db(
                "SELECT name, status, exit_code, output FROM run_steps WHERE run_id = '"
                    + runId
                    + "' ORDER BY position"))
        .containsExactly(
            "first|pass|0|one\ntwo\n", "fails|fail|3|about to fail\n", "never|skipped|null|");
    assertThat(db("SELECT status FROM runs WHERE id = '" + runId + "'")).containsExactly("fail");
  }

  @Test
  void evolutionProveInCloudModeMarksPassAndFailFromTheServersRun() throws Exception {
    ok("generation", "new", "v1.0.0", "-d", "cloud proofs");
    Files.writeString(
        project.resolve(".gryt/generations/v1.0.0.yaml"),
        """
        version: v1.0.0
        description: cloud proofs
        changes:
          - id: CLOUD-1
            type: add
            title: proven on the server
          - id: CLOUD-2
            type: fix
            title: fails on the server
        """);
    ok("generation", "update", "v1.0.0");

    String good = codeName(ok("evolution", "start", "v1.0.0", "--change", "CLOUD-1"));
    Gryt.Result passed = ok("evolution", "prove", good, "--pipeline", "cloudy");
    assertThat(passed.out())
        .contains("  empty workspace on the agent")
        .contains("evolution " + good + " (CLOUD-1): pass");

    String bad = codeName(ok("evolution", "start", "v1.0.0", "--change", "CLOUD-2"));
    Gryt.Result failed = gryt.run("evolution", "prove", bad, "--pipeline", "broken");
    assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
    assertThat(failed.out()).contains("  about to fail").contains("(CLOUD-2): fail");
    assertThat(failed.err()).contains("error: the proof failed: step fails failed (exit 3)");

    // The evolutions point at runs made on the server, and carry their results.
    assertThat(
            db(
                "SELECT e.change_id, e.status, r.status, r.runner LIKE 'cloud:%' FROM evolutions e"
                    + " JOIN runs r ON r.id = e.run_id ORDER BY e.change_id"))
        .containsExactly("CLOUD-1|pass|pass|1", "CLOUD-2|fail|fail|1");
    for (String runId : db("SELECT run_id FROM evolutions ORDER BY change_id")) {
      assertThat(server("/api/v1/runs/" + runId).path("spec").path("job_name").asText())
          .isIn("cloudy-local", "broken-local");
    }
    // In cloud mode every completed evolution is pushed, failures too.
    assertThat(ok("evolution", "list", "v1.0.0").out())
        .containsPattern(good + "\\s+CLOUD-1\\s+pass\\s+cloudy\\s+synced")
        .containsPattern(bad + "\\s+CLOUD-2\\s+fail\\s+broken\\s+synced");
  }

  @Test
  void aProjectWhoseOriginTheServerKnowsRunsItsPushedHead() throws Exception {
    Path bare = dir.resolve("origin.git");
    Path clone = dir.resolve("clone");
    Files.createDirectories(clone);
    Gryt dev = new Gryt(gryt.home(), clone).env("GRYT_URL", "http://127.0.0.1:" + port);
    assertThat(dev.run("init").exitCode()).isZero();
    assertThat(dev.run("config", "execution_mode", "cloud").exitCode()).isZero();
    String head;
    try (Git origin = Git.init().setBare(true).setDirectory(bare.toFile()).call();
        Git git = Git.init().setDirectory(clone.toFile()).setInitialBranch("main").call()) {
      git.remoteAdd().setName("origin").setUri(new URIish(bare.toString())).call();
      git.add().addFilepattern(".gryt/pipelines").call();
      head = commit(git, "pipelines").name();
      git.push().setRemote("origin").add("main").call();
    }
    // Without a GitHubRepo of its origin, the server cannot read the project: an empty workspace,
    // where the example's test -d .gryt fails.
    Gryt.Result empty = dev.run("run", "ci");
    assertThat(empty.exitCode()).isEqualTo(1);
    assertThat(empty.out()).contains("no GitHubRepo on the server has git_url file://" + bare);

    Path repo = dir.resolve("repo.yaml");
    Files.writeString(
        repo,
        "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata:\n  name: project\nspec:\n"
            + "  git_url: file://"
            + bare
            + "\n");
    Gryt.Result applied = dev.run("cloud", "apply", "-f", repo.toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();

    Gryt.Result ran = dev.run(Duration.ofSeconds(90), "run", "ci");
    assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
    assertThat(ran.out())
        .contains("checks out " + head.substring(0, 7) + " (main) of github repo project")
        .contains("  hello from gryt")
        .contains("<== test: pass (exit 0");
    JsonNode run = server("/api/v1/runs/" + runId(ran));
    assertThat(run.path("spec").path("sha").asText()).isEqualTo(head);
    assertThat(run.path("status").path("commit").asText()).isEqualTo(head);
    assertThat(server("/api/v1/jobs/ci-local").path("spec").path("github_repo_name").asText())
        .isEqualTo("project");

    // A commit origin does not have cannot be checked out there: refused before anything runs.
    String unpushed;
    try (Git git = Git.open(clone.toFile())) {
      unpushed = commit(git, "not pushed").name();
    }
    Gryt.Result refused = dev.run("run", "ci");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err().strip())
        .isEqualTo(
            "error: HEAD "
                + unpushed.substring(0, 7)
                + " is not on origin (file://"
                + bare
                + "), and the server's agents check out HEAD: push it (git push), or run here"
                + " with --local");
    assertThat(refused.out()).isEmpty();
  }

  @Test
  void aRunNoAgentTakesSaysItWaitsAndEndsNonZeroAtItsDeadline() throws Exception {
    int lonelyPort = Gryt.freePort();
    Path log = dir.resolve("lonely.log");
    Process lonely =
        gryt.start(
            log,
            "server",
            "--port",
            "" + lonelyPort,
            "--db",
            "sqlite:" + dir.resolve("lonely.db"),
            "--agents",
            "0");
    try {
      Gryt.awaitUp(
          lonely, log, "http://127.0.0.1:" + lonelyPort + "/healthz", Duration.ofSeconds(60));
      Files.writeString(
          project.resolve(".gryt/pipelines/short.yaml"),
          PASSING
              .replace("name: cloudy", "name: short")
              .replace("spec:", "spec:\n  timeout_seconds: 6"));
      Gryt.Result r =
          new Gryt(gryt.home(), project)
              .env("GRYT_URL", "http://127.0.0.1:" + lonelyPort)
              .run("run", "short");
      String runId = runId(r);
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out())
          .contains("run " + runId + " is waiting: waiting for an agent")
          .contains("run " + runId + " failed");
      assertThat(r.err().strip())
          .startsWith("error: the run ended TimedOut: run did not finish by its deadline")
          .endsWith("(run " + runId + "; output above)")
          .doesNotContain("\n");
      assertThat(db("SELECT status FROM runs WHERE id = '" + runId + "'")).containsExactly("fail");
      assertThat(db("SELECT status FROM run_steps WHERE run_id = '" + runId + "'"))
          .containsExactly("skipped", "skipped");
    } finally {
      Gryt.stop(lonely);
    }
  }

  private static RevCommit commit(Git git, String message) throws Exception {
    return git.commit()
        .setMessage(message)
        .setAllowEmpty(true)
        .setAuthor("Ann", "ann@example.com")
        .setCommitter("Ann", "ann@example.com")
        .call();
  }

  @Test
  void badInputFailsWithOneLineAndNoStackTrace() throws Exception {
    Gryt.Result unknown = gryt.run("run", "nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err().strip())
        .startsWith("error: no pipeline 'nope'")
        .contains("known: broken, ci, cloudy")
        .doesNotContain("\n");

    Gryt.Result parallel = gryt.run("run", "cloudy", "--parallel");
    assertThat(parallel.exitCode()).isEqualTo(1);
    assertThat(parallel.err().strip()).contains("--local").doesNotContain("\n");

    String down = "http://127.0.0.1:" + Gryt.freePort();
    Gryt.Result unreachable = gryt.env("GRYT_URL", down).run("run", "cloudy");
    gryt.env("GRYT_URL", "http://127.0.0.1:" + port);
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.err().strip())
        .isEqualTo(
            "error: cannot reach gryt server at "
                + down
                + ": connection refused (start one with: gryt server)");
    assertThat(unreachable.out()).isEmpty();
  }

  private Gryt.Result ok(String... args) {
    Gryt.Result r = gryt.run(Duration.ofSeconds(90), args);
    assertThat(r.exitCode())
        .as("gryt %s\nout: %s\nerr: %s", String.join(" ", args), r.out(), r.err())
        .isZero();
    return r;
  }

  private static String runId(Gryt.Result r) {
    String first =
        r.outLines().stream().filter(l -> l.startsWith("run ")).findFirst().orElseThrow();
    assertThat(first).contains("on the agents of");
    return first.substring(4, first.indexOf(':'));
  }

  private static String codeName(Gryt.Result started) {
    return started.outLines().get(0).split(" ")[2];
  }

  private JsonNode server(String path) throws Exception {
    return gryt.get(port, path);
  }

  private List<String> db(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + project.resolve(".gryt/gryt.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(r.getString(i));
        }
        rows.add(String.join("|", row));
      }
    }
    return rows;
  }
}
