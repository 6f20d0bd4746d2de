package dev.gryt.cli;

import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code gryt} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(newCommandLine(CliEnvironment.system(), args).execute(args));
  }

  /**
   * The configured command line: commands get {@code environment}, failures go through {@link
   * ExceptionHandler}, and usage errors exit with 2. Tests call this with their own environment and
   * writers.
   */
  public static CommandLine newCommandLine(CliEnvironment environment) {
    return newCommandLine(environment, null);
  }

  /**
   * Like {@link #newCommandLine(CliEnvironment)}, with only the subcommand that {@code args} names
   * (none for a bare {@code --version}): picocli reflects over every registered command and loads
   * the classes its options mention when it builds the tree, the largest part of a short call's
   * start-up. Help, an unknown name or no name get every subcommand.
   *
   * @param args null for every subcommand
   */
  public static CommandLine newCommandLine(CliEnvironment environment, String[] args) {
    CommandFactory factory = new CommandFactory(environment);
    CommandLine commandLine = new CommandLine(GrytCommand.class, factory);
    for (Map.Entry<String, Class<?>> sub : GrytCommand.SUBCOMMANDS.entrySet()) {
      if (needed(sub.getKey(), args)) {
        commandLine.addSubcommand(sub.getKey(), new CommandLine(sub.getValue(), factory));
      }
    }
    return commandLine
        .setExecutionExceptionHandler(new ExceptionHandler(environment))
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  private static boolean needed(String subcommand, String[] args) {
    if (args == null) {
      return true;
    }
    String named = null;
    boolean version = false;
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        return true;
      }
      if (arg.equals("-V") || arg.equals("--version")) {
        version = true;
      } else if (!arg.startsWith("-")) {
        named = arg;
        break;
      }
    }
    if (named == null) {
      return !version;
    }
    return !GrytCommand.SUBCOMMANDS.containsKey(named) || named.equals(subcommand);
  }
}
