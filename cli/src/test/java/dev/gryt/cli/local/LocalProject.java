package dev.gryt.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;

/**
 * One developer's machine in a test: a project directory with its own {@code GRYT_HOME}, driving
 * {@code gryt} in-process as that person would.
 */
final class LocalProject {
  final Path dir;
  final CliRun gryt;

  LocalProject(Path dir, String serverUrl) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    CliRun run =
        new CliRun(dir)
            .env("GRYT_HOME", dir.resolve("home-gryt").toString())
            .env("USER", dir.getFileName().toString());
    this.gryt = serverUrl == null ? run : run.env("GRYT_URL", serverUrl);
  }

  /** {@code gryt init}, asserting it worked. */
  LocalProject init() {
    ok("init");
    return this;
  }

  /** A git repository with one commit, for promotions that tag. */
  LocalProject gitRepo() throws Exception {
    try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
      git.commit()
          .setMessage("init")
          .setAllowEmpty(true)
          .setAuthor("Ann", "ann@example.com")
          .setCommitter("Ann", "ann@example.com")
          .call();
    }
    return this;
  }

  CliRun.Result run(String... args) {
    return gryt.run(args);
  }

  /** Runs and asserts exit 0, showing what was printed when not. */
  CliRun.Result ok(String... args) {
    CliRun.Result r = gryt.run(args);
    assertThat(r.exitCode())
        .as("gryt %s\nout: %s\nerr: %s", String.join(" ", args), r.out(), r.err())
        .isZero();
    return r;
  }

  /** Runs and asserts exit 1 with one {@code error:} line on stderr and no stack trace. */
  CliRun.Result fails(String... args) {
    CliRun.Result r = gryt.run(args);
    assertThat(r.exitCode())
        .as("gryt %s\nout: %s\nerr: %s", String.join(" ", args), r.out(), r.err())
        .isEqualTo(1);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    return r;
  }

  Path generationFile(String version) {
    return dir.resolve(".gryt/generations/" + version + ".yaml");
  }

  /** Creates a generation with the given change ids (all of type add). */
  void generation(String versionText, String... changes) throws IOException {
    String version = versionText.startsWith("v") ? versionText : "v" + versionText;
    ok("generation", "new", version, "-d", "release " + version);
    StringBuilder yaml =
        new StringBuilder(
            "version: " + version + "\ndescription: release " + version + "\nchanges:\n");
    for (String change : changes) {
      yaml.append("  - id: ")
          .append(change)
          .append("\n    type: add\n    title: ")
          .append(change)
          .append(" title\n");
    }
    Files.writeString(generationFile(version), yaml);
    ok("generation", "update", version);
  }

  /** Rewrites an existing generation's file with these changes and reads it in: a local edit. */
  void edit(String version, String... changes) throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            "version: " + version + "\ndescription: release " + version + "\nchanges:\n");
    for (String change : changes) {
      yaml.append("  - id: ")
          .append(change)
          .append("\n    type: add\n    title: ")
          .append(change)
          .append(" title\n");
    }
    Files.writeString(generationFile(version), yaml);
    ok("generation", "update", version);
  }

  /** Starts and proves an evolution of {@code change}; returns its code name. */
  String prove(String version, String change) {
    String started = ok("evolution", "start", version, "--change", change).outLines().get(0);
    String codeName = started.split(" ")[2];
    ok("evolution", "prove", codeName);
    return codeName;
  }

  /** Rows of a query on this project's gryt.db, columns joined by '|'. */
  List<String> db(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(".gryt/gryt.db"));
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

  /** {@code generation show} as key → value. */
  String show(String version, String key) {
    for (String line : ok("generation", "show", version).outLines()) {
      if (line.startsWith(key + ":")) {
        return line.substring(key.length() + 1).strip();
      }
    }
    return null;
  }
}
