package dev.gryt.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place failures become output: a one-line cause on stderr and a non-zero exit code. Stack
 * traces are shown only when {@code GRYT_DEBUG} is set.
 */
final class ExceptionHandler implements IExecutionExceptionHandler {
  private final boolean debug;

  ExceptionHandler(CliEnvironment environment) {
    this.debug = environment.variable("GRYT_DEBUG") != null;
  }

  /** Whether {@code --debug} was given on any level of the command line. */
  private static boolean debugRequested(ParseResult parseResult) {
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    boolean debug = this.debug || debugRequested(parseResult);
    if (exception instanceof ProblemsException problems) {
      problems.problems().forEach(err::println);
    } else if (exception instanceof CliException) {
      err.println("error: " + exception.getMessage());
    } else {
      // A bug, not a user error: still one line, with a way to see more.
      err.println(
          "error: unexpected "
              + exception.getClass().getSimpleName()
              + (exception.getMessage() == null ? "" : ": " + exception.getMessage())
              + (debug ? "" : " (run with --debug for a stack trace)"));
    }
    if (debug) {
      exception.printStackTrace(err);
    }
    err.flush();
    return commandLine.getCommand() instanceof FailureExitCode custom
        ? custom.failureExitCode()
        : 1;
  }
}
