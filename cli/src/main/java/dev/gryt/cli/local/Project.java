package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local-first gryt project: a directory with {@code .gryt/} ({@code gryt.db}, {@code
 * config.json}, {@code generations/}, {@code pipelines/}). Commands find it from the working
 * directory upwards, as git finds {@code .git}.
 *
 * @param root the project directory, where pipelines run and git tags are made
 */
public record Project(Path root) {
  public static final String DIR = ".gryt";

  public Path grytDir() {
    return root.resolve(DIR);
  }

  public Path database() {
    return grytDir().resolve("gryt.db");
  }

  public Path config() {
    return grytDir().resolve("config.json");
  }

  public Path generationsDir() {
    return grytDir().resolve("generations");
  }

  public Path pipelinesDir() {
    return grytDir().resolve("pipelines");
  }

  public Path generationFile(String version) {
    return generationsDir().resolve(version + ".yaml");
  }

  /**
   * The project the working directory is in.
   *
   * @throws CliException when there is none, naming the fix
   */
  public static Project find(CliEnvironment environment) {
    Path home = environment.grytHome().toAbsolutePath().normalize();
    for (Path dir = environment.workingDirectory().toAbsolutePath().normalize();
        dir != null;
        dir = dir.getParent()) {
      Path gryt = dir.resolve(DIR);
      // $GRYT_HOME (~/.gryt) holds the user's settings; it is not a project.
      if (!gryt.equals(home) && Files.isRegularFile(gryt.resolve("gryt.db"))) {
        return new Project(dir);
      }
    }
    throw new CliException(
        "not in a gryt project (no .gryt/gryt.db here or above "
            + environment.workingDirectory()
            + "); create one with: gryt init");
  }

  /**
   * Opens the project's database, migrating it to this gryt's schema.
   *
   * @param nativeCache where SQLite's native library is cached between calls; null for none
   */
  public LocalDatabase open(Path nativeCache) {
    return LocalDatabase.open(database(), nativeCache);
  }
}
