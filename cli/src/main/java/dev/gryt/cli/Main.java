package dev.gryt.cli;

import picocli.CommandLine;

/** Entry point of the {@code gryt} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(newCommandLine(CliEnvironment.system()).execute(args));
  }

  /**
   * The configured command line: commands get {@code environment}, failures go through {@link
   * ExceptionHandler}, and usage errors exit with 2. Tests call this with their own environment and
   * writers.
   */
  public static CommandLine newCommandLine(CliEnvironment environment) {
    return new CommandLine(GrytCommand.class, new CommandFactory(environment))
        .setExecutionExceptionHandler(new ExceptionHandler(environment))
        .setCaseInsensitiveEnumValuesAllowed(true);
  }
}
