package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command, leaf or not, answers {@code -h} and {@code --help} with its usage. */
class HelpTest {
  @TempDir Path home;

  @Test
  void everyCommandAnswersHelp() {
    // One command line for every call (building it is most of a call's cost): help parses only.
    CommandLine gryt = Main.newCommandLine(new CliRun(home).environment());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    gryt.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    List<List<String>> commands = new ArrayList<>();
    collect(gryt, new ArrayList<>(), commands);
    assertThat(commands).as("commands found").hasSizeGreaterThan(40);
    List<String> failing = new ArrayList<>();
    for (List<String> command : commands) {
      for (String flag : List.of("-h", "--help")) {
        List<String> args = new ArrayList<>(command);
        args.add(flag);
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        int exit = gryt.execute(args.toArray(String[]::new));
        if (exit != 0 || !out.toString().startsWith("Usage: gryt")) {
          failing.add(String.join(" ", args) + " -> " + exit + " " + err);
        }
      }
    }
    assertThat(failing).isEmpty();
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> commands) {
    commands.add(List.copyOf(path));
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().aliases().length > 0
                  && !sub.getCommandSpec().name().equals(name)) {
                return; // an alias of a command listed under its name
              }
              List<String> next = new ArrayList<>(path);
              next.add(name);
              collect(sub, next, commands);
            });
  }
}
