package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gryt init [PATH] [--force]}: makes {@code .gryt/} with an example pipeline. */
@Command(
    name = "init",
    description =
        "Create a local gryt project: .gryt/ with gryt.db, config.json, generations/, pipelines/.")
public final class InitCommand implements Callable<Integer> {
  static final String EXAMPLE_PIPELINE =
      """
      # A gryt.io/v1 Pipeline: the same kind the server stores. Run it with: gryt run ci
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: ci
      spec:
        description: Example pipeline; replace the commands with your build and tests.
        steps:
          - name: hello
            command: echo "hello from gryt"
          - name: test
            command: test -d .gryt
      """;

  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "PATH",
      description = "Project directory (default: the current one).")
  String path;

  @Option(
      names = "--force",
      description =
          "Re-create config.json and the example pipeline; keeps gryt.db and generations.")
  boolean force;

  InitCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path root =
        path == null
            ? environment.workingDirectory()
            : environment.workingDirectory().resolve(path);
    root = root.toAbsolutePath().normalize();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new CliException(root + " is a file; give a directory");
    }
    Project project = new Project(root);
    if (Files.exists(project.database()) && !force) {
      throw new CliException(
          project.grytDir()
              + " already exists; keep it, or re-create its config and example with: gryt init --force");
    }
    try {
      Files.createDirectories(project.generationsDir());
      Files.createDirectories(project.pipelinesDir());
    } catch (IOException e) {
      throw new CliException("cannot create " + project.grytDir() + ": " + e.getMessage());
    }
    project.open(environment.grytHome().resolve("native")).close();
    if (force || !Files.exists(project.config())) {
      LocalConfig config = LocalConfig.empty(project.config());
      config.set(LocalConfig.Key.EXECUTION_MODE, "local");
      config.write();
    }
    Path example = project.pipelinesDir().resolve("ci.yaml");
    if (force || !Files.exists(example)) {
      try {
        Files.writeString(example, EXAMPLE_PIPELINE);
      } catch (IOException e) {
        throw new CliException("cannot write " + example + ": " + e.getMessage());
      }
    }
    out.println("initialized gryt project in " + project.grytDir());
    out.println("  run the example pipeline:  gryt run ci");
    out.println("  start a release:           gryt generation new 0.1.0");
    return 0;
  }
}
