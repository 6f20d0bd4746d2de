package dev.gryt.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-first commands offline: real files, a real {@code gryt.db}, real processes for the
 * steps, a real git repository for tags. Every input path is fed bad input too.
 */
class LocalCommandsIT {
  @TempDir Path dir;
  LocalProject a;

  @BeforeEach
  void init() throws Exception {
    a = new LocalProject(dir.resolve("a"), null).gitRepo().init();
  }

  @Test
  void initMakesTheProjectAndRefusesToRunTwiceWithoutForce() throws Exception {
    assertThat(dir.resolve("a/.gryt/gryt.db")).isRegularFile();
    assertThat(dir.resolve("a/.gryt/config.json")).isRegularFile();
    assertThat(dir.resolve("a/.gryt/generations")).isDirectory();
    assertThat(dir.resolve("a/.gryt/pipelines/ci.yaml")).isRegularFile();
    assertThat(a.fails("init").err()).contains("already exists").contains("--force");
    Files.writeString(dir.resolve("a/.gryt/config.json"), "{not json");
    assertThat(a.fails("config", "list").err())
        .contains("config.json")
        .contains("gryt init --force");
    a.ok("init", "--force");
    assertThat(a.ok("config", "get", "execution_mode").out().strip()).isEqualTo("local");

    LocalProject other = new LocalProject(dir.resolve("b"), null);
    other.ok("init", "sub/dir");
    assertThat(dir.resolve("b/sub/dir/.gryt/gryt.db")).isRegularFile();
    assertThat(new LocalProject(dir.resolve("c"), null).fails("generation", "list").err())
        .contains("not in a gryt project")
        .contains("gryt init");
  }

  @Test
  void configSetsAndChecksValues() {
    a.ok("config", "execution_mode", "hybrid");
    assertThat(a.ok("config", "execution_mode").out().strip()).isEqualTo("hybrid");
    assertThat(a.ok("config", "list").out()).contains("execution_mode=hybrid", "runner=process");
    assertThat(a.fails("config", "execution_mode", "remote").err())
        .contains("allowed: local, cloud, hybrid");
    assertThat(a.fails("config", "colour", "red").err()).contains("unknown setting 'colour'");
    assertThat(a.fails("config", "get").err()).contains("needs a KEY");
    assertThat(a.fails("config", "server_url", "nope").err()).contains("http://HOST:PORT");
    a.ok("sync", "config", "--mode", "cloud");
    assertThat(a.ok("config", "get", "execution_mode").out().strip()).isEqualTo("cloud");
    assertThat(a.fails("sync", "config", "--mode", "sometimes").err()).contains("allowed");
  }

  @Test
  void runRecordsEveryStepAndExitsNonZeroWhenOneFails() throws Exception {
    Files.writeString(
        dir.resolve("a/.gryt/pipelines/broken.yaml"),
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
        """);
    CliRun.Result failed = a.run("run", "broken", "--show");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.out()).contains("one", "two", "about to fail").doesNotContain("  never");
    assertThat(failed.err()).contains("error: step fails failed (exit 3)");
    assertThat(a.db("SELECT name, status, exit_code, output FROM run_steps ORDER BY position"))
        .containsExactly(
            "first|pass|0|one\ntwo\n", "fails|fail|3|about to fail\n", "never|skipped|null|");
    assertThat(a.db("SELECT pipeline, status FROM runs")).containsExactly("broken|fail");

    CliRun.Result parallel = a.run("run", "broken", "--parallel");
    assertThat(parallel.exitCode()).isEqualTo(1);
    assertThat(parallel.out()).contains("[never] never");

    assertThat(a.ok("run", "ci").out()).contains("hello from gryt", "passed");
    assertThat(a.ok("run", ".gryt/pipelines/ci.yaml").out()).contains("hello from gryt");
  }

  @Test
  void runRefusesBadPipelinesWithFileAndLine() throws Exception {
    Files.writeString(
        dir.resolve("a/bad.yaml"),
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata:
          name: bad
        spec:
          steps:
            - name: no-command
        """);
    assertThat(a.fails("run", "bad.yaml").err()).contains("bad.yaml:7").contains("command");
    assertThat(a.fails("run", "nope").err()).contains("no pipeline 'nope'").contains("known: ci");
    assertThat(a.run("run", "ci", "--runner", "vm").exitCode()).isEqualTo(1);
    a.ok("config", "execution_mode", "cloud");
    // In cloud mode the run goes to the server (CloudRunIT); with none there, one line says so.
    int nobody;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      nobody = s.getLocalPort();
    }
    a.ok("config", "server_url", "http://127.0.0.1:" + nobody);
    assertThat(a.fails("run", "ci").err())
        .contains("cannot reach gryt server at http://127.0.0.1:" + nobody)
        .contains("start one with: gryt server");
    assertThat(a.fails("run", "ci", "--parallel").err()).contains("--local");
    a.ok("run", "ci", "--local");
  }

  @Test
  void generationLifecycleWithProofsAndAnAnnotatedTag() throws Exception {
    assertThat(a.fails("generation", "new", "1.0").err()).contains("invalid version '1.0'");
    a.generation("1.0.0", "AUTH-1", "AUTH-2");
    assertThat(a.generationFile("v1.0.0")).content().contains("version: v1.0.0").contains("AUTH-2");
    assertThat(a.fails("generation", "new", "v1.0.0").err()).contains("already exists");
    assertThat(a.ok("generation", "list").out())
        .contains("v1.0.0")
        .contains("0/2")
        .contains("not_synced");

    CliRun.Result refused = a.run("generation", "promote", "v1.0.0");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("AUTH-1").contains("AUTH-2").contains("cannot be promoted");

    assertThat(a.fails("evolution", "start", "v1.0.0", "--change", "NOPE-1").err())
        .contains("has no change NOPE-1")
        .contains("AUTH-1, AUTH-2");
    String proof = a.prove("v1.0.0", "AUTH-1");
    assertThat(proof).matches("[a-z]+-[a-z]+-[a-z]+");
    assertThat(a.fails("evolution", "prove", proof).err()).contains("already ended (pass)");

    // A failing proof of AUTH-2 after a passing one: its latest evolution failed, so no promotion.
    a.prove("v1.0.0", "AUTH-2");
    Files.writeString(
        dir.resolve("a/.gryt/pipelines/red.yaml"),
        "apiVersion: gryt.io/v1\nkind: Pipeline\nmetadata: {name: red}\nspec:\n  steps: [{name: s, command: exit 1}]\n");
    String red =
        a.ok("evolution", "start", "v1.0.0", "--change", "AUTH-2").outLines().get(0).split(" ")[2];
    assertThat(a.fails("evolution", "prove", red).err())
        .contains("which pipeline")
        .contains("--pipeline");
    assertThat(a.run("evolution", "prove", red, "--pipeline", "red").exitCode()).isEqualTo(1);
    assertThat(a.ok("evolution", "list", "v1.0.0").out()).contains(red + " ").contains("fail");
    assertThat(a.fails("generation", "promote", "v1.0.0").err())
        .contains("AUTH-2: its latest evolution failed")
        .doesNotContain("AUTH-1:");

    a.ok("config", "default_pipeline", "ci");
    a.prove("v1.0.0", "AUTH-2");
    // The promoter is the repository's git user (set here, so the machine's ~/.gitconfig and
    // the USER fallback cannot decide the answer).
    try (Git git = Git.open(dir.resolve("a").toFile())) {
      StoredConfig config = git.getRepository().getConfig();
      config.setString("user", null, "name", "Ann");
      config.setString("user", null, "email", "ann@example.com");
      config.save();
    }
    assertThat(a.ok("generation", "promote", "v1.0.0").out()).contains("git tag v1.0.0 created");
    try (Git git = Git.open(dir.resolve("a").toFile());
        RevWalk walk = new RevWalk(git.getRepository())) {
      Ref ref = git.getRepository().findRef("refs/tags/v1.0.0");
      RevTag tag = walk.parseTag(ref.getObjectId());
      assertThat(tag.getFullMessage()).contains("v1.0.0");
      assertThat(tag.getTaggerIdent().getName()).isEqualTo("Ann");
      assertThat(tag.getTaggerIdent().getEmailAddress()).isEqualTo("ann@example.com");
    }
    assertThat(a.show("v1.0.0", "status")).isEqualTo("promoted");
    assertThat(a.show("v1.0.0", "promoted_by")).isEqualTo("Ann <ann@example.com>");
    assertThat(a.fails("generation", "update", "v1.0.0").err()).contains("immutable");
    assertThat(a.fails("generation", "rename", "v1.0.0", "v1.0.1").err()).contains("immutable");
    assertThat(a.fails("evolution", "start", "v1.0.0", "--change", "AUTH-1").err())
        .contains("immutable");
    assertThat(a.fails("generation", "delete", "v1.0.0").err()).contains("--local-only");
  }

  @Test
  void promoteWithoutGitNeedsNoTag() throws Exception {
    LocalProject b = new LocalProject(dir.resolve("nogit"), null).init();
    b.generation("2.0.0");
    assertThat(b.fails("generation", "promote", "2.0.0").err()).contains("--no-tag");
    assertThat(b.show("v2.0.0", "status"))
        .as("a refused tag rolls the promotion back")
        .isEqualTo("draft");
    b.ok("generation", "promote", "2.0.0", "--no-tag");
    assertThat(b.show("v2.0.0", "tag")).isEqualTo("(none)");
    assertThat(b.show("v2.0.0", "promoted_by"))
        .as("without git user, the promoter is $USER")
        .isEqualTo("nogit");

    b.generation("3.0.0");
    b.ok("config", "user", "Bea <bea@example.com>");
    b.ok("generation", "promote", "3.0.0", "--no-tag");
    assertThat(b.show("v3.0.0", "promoted_by"))
        .as("the configured user wins over $USER")
        .isEqualTo("Bea <bea@example.com>");
  }

  @Test
  void badGenerationFilesChangeNothing() throws Exception {
    a.generation("1.0.0", "AUTH-1");
    String before = a.db("SELECT change_id, type, title FROM changes").toString();
    Files.writeString(
        a.generationFile("v1.0.0"),
        "version: v1.0.0\nchanges:\n  - id: AUTH-1\n    type: feature\n    title: x\n  - id: lower_1\n    type: add\n");
    CliRun.Result bad = a.run("generation", "update", "v1.0.0");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.errLines())
        .contains(
            a.generationFile("v1.0.0")
                + ":4: changes[0].type: 'feature' is not one of fix, refine, add, remove")
        .anySatisfy(l -> assertThat(l).contains(":6: changes[1].id:"))
        .anySatisfy(l -> assertThat(l).contains(":6: changes[1].title: required"));
    Files.writeString(a.generationFile("v1.0.0"), "version: v1.0.0\nchanges: [unclosed\n");
    assertThat(a.run("generation", "update", "v1.0.0").err()).contains("YAML syntax error");
    Files.writeString(a.generationFile("v1.0.0"), "version: v2.0.0\n");
    assertThat(a.run("generation", "update", "v1.0.0").err())
        .contains(":1: version: is v2.0.0 but the file is for v1.0.0")
        .contains("gryt generation rename");
    assertThat(a.db("SELECT change_id, type, title FROM changes").toString()).isEqualTo(before);

    Files.delete(a.generationFile("v1.0.0"));
    assertThat(a.fails("generation", "update", "v1.0.0").err()).contains("was missing");
    assertThat(a.generationFile("v1.0.0")).exists();
  }

  @Test
  void aRemovedChangeWithEvolutionsIsKept() throws Exception {
    a.generation("1.0.0", "AUTH-1", "AUTH-2");
    a.prove("v1.0.0", "AUTH-1");
    Files.writeString(
        a.generationFile("v1.0.0"),
        "version: v1.0.0\nchanges:\n  - {id: AUTH-3, type: refine, title: t}\n");
    CliRun.Result r = a.ok("generation", "update", "v1.0.0");
    assertThat(r.err()).contains("warning: change AUTH-1").contains("kept");
    assertThat(a.db("SELECT change_id FROM changes ORDER BY position"))
        .containsExactly("AUTH-3", "AUTH-1");
    assertThat(a.generationFile("v1.0.0")).content().contains("AUTH-1").doesNotContain("AUTH-2");
  }

  @Test
  void renameDeleteAndUnknownNames() throws Exception {
    a.generation("1.0.0", "AUTH-1");
    a.ok("generation", "rename", "1.0.0", "1.1.0");
    assertThat(a.generationFile("v1.0.0")).doesNotExist();
    assertThat(a.generationFile("v1.1.0")).content().contains("v1.1.0");
    assertThat(a.fails("generation", "show", "v1.0.0").err()).contains("no generation v1.0.0");
    assertThat(a.fails("generation", "rename", "v1.1.0", "bad").err()).contains("invalid version");
    a.generation("2.0.0");
    assertThat(a.fails("generation", "rename", "v1.1.0", "v2.0.0").err())
        .contains("already exists");
    assertThat(a.fails("evolution", "prove", "no-such-thing").err())
        .contains("no evolution no-such-thing");
    assertThat(a.fails("evolution", "list", "v9.0.0").err()).contains("no generation v9.0.0");
    a.ok("generation", "delete", "v1.1.0", "--local-only");
    assertThat(a.generationFile("v1.1.0")).doesNotExist();
    assertThat(a.ok("generation", "list").out()).doesNotContain("v1.1.0").contains("v2.0.0");
    assertThat(a.run("generation", "frobnicate").exitCode()).isEqualTo(2);
  }

  @Test
  void debugShowsTheStackTrace() {
    assertThat(a.run("generation", "show", "v9.9.9").err()).doesNotContain("\tat ");
    assertThat(a.run("--debug", "generation", "show", "v9.9.9").err()).contains("\tat ");
    assertThat(a.run("generation", "show", "v9.9.9", "--debug").err()).contains("\tat ");
  }
}
