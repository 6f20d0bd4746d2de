package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gryt sync ...}: the local records and their cloud twins. */
@Command(
    name = "sync",
    description = "Push to and pull from the server; sync state; execution mode.")
public final class SyncCommand {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  SyncCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  private LocalSession open() {
    return LocalSession.open(environment, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  @Command(
      name = "push",
      description = "Push generations not yet synced (and their evolutions with --evolutions).")
  int push(
      @Option(names = "--version", paramLabel = "V", description = "Only this generation.")
          String version,
      @Option(names = "--evolutions", description = "Also push every evolution not yet synced.")
          boolean evolutions,
      // --version names a generation here, so the inherited -V/--version is not: help is declared.
      @Option(
              names = {"-h", "--help"},
              usageHelp = true,
              description = "Show this help.")
          boolean help) {
    try (LocalSession session = open()) {
      List<LocalGeneration> targets = new ArrayList<>();
      if (version != null) {
        targets.add(session.store().requireGeneration(version));
      } else {
        for (LocalGeneration g : session.store().generations()) {
          boolean pendingEvolutions =
              evolutions
                  && session.store().evolutions(g.id()).stream()
                      .anyMatch(e -> !SyncStatus.SYNCED.equals(e.syncStatus()));
          if (!SyncStatus.SYNCED.equals(g.syncStatus()) || pendingEvolutions) {
            targets.add(g);
          }
        }
      }
      CloudSync sync = session.cloudSync();
      List<String> failures = new ArrayList<>();
      for (LocalGeneration g : targets) {
        try {
          sync.pushGeneration(g, evolutions);
        } catch (CliException e) {
          failures.add(g.version() + ": " + e.getMessage());
        }
      }
      PrintWriter out = session.out();
      if (failures.isEmpty()) {
        out.println(
            targets.isEmpty()
                ? "nothing to push: every generation is synced with " + session.serverUrl()
                : "pushed " + targets.size() + " generation(s) to " + session.serverUrl());
        return 0;
      }
      PrintWriter err = session.err();
      for (String failure : failures) {
        err.println("error: " + failure);
      }
      return 1;
    }
  }

  @Command(
      name = "pull",
      description = "Bring the cloud's generations and evolutions in; never overwrites local work.")
  int pull() {
    try (LocalSession session = open()) {
      CloudSync.PullResult result = session.cloudSync().pull();
      session
          .out()
          .println(
              "pulled from "
                  + session.serverUrl()
                  + ": "
                  + result.pulled()
                  + " new, "
                  + result.updated()
                  + " updated, "
                  + result.kept()
                  + " kept local, "
                  + result.conflicts().size()
                  + " conflict(s)");
      for (String conflict : result.conflicts()) {
        session.err().println("conflict: " + conflict);
      }
      return result.conflicts().isEmpty() ? 0 : 1;
    }
  }

  @Command(name = "status", description = "Show the sync state of generations and evolutions.")
  int status(
      @Option(names = "--version", paramLabel = "V", description = "Only this generation.")
          String version,
      @Option(
              names = {"-h", "--help"},
              usageHelp = true,
              description = "Show this help.")
          boolean help) {
    try (LocalSession session = open()) {
      PrintWriter out = session.out();
      out.println("execution_mode: " + session.config().executionMode().key());
      out.println("server:         " + session.serverUrl());
      List<LocalGeneration> generations =
          version == null
              ? session.store().generations()
              : List.of(session.store().requireGeneration(version));
      out.println(
          String.format(
              "%-20s %-11s %-16s %s", "VERSION", "SYNC", "REMOTE_ID", "EVOLUTIONS (synced/all)"));
      for (LocalGeneration g : generations) {
        List<LocalEvolution> evolutions = session.store().evolutions(g.id());
        long synced =
            evolutions.stream().filter(e -> SyncStatus.SYNCED.equals(e.syncStatus())).count();
        out.println(
            String.format(
                "%-20s %-11s %-16s %d/%d",
                g.version(),
                g.syncStatus(),
                g.remoteId() == null ? "-" : g.remoteId(),
                synced,
                evolutions.size()));
        if (g.syncError() != null) {
          out.println("  " + g.syncError());
        }
      }
      return 0;
    }
  }

  @Command(name = "config", description = "Set the execution mode: local, hybrid or cloud.")
  int config(
      @Option(
              names = "--mode",
              required = true,
              paramLabel = "MODE",
              description = "local | hybrid | cloud")
          String mode) {
    try (LocalSession session = open()) {
      LocalConfig config = session.config();
      config.set(LocalConfig.Key.EXECUTION_MODE, mode);
      config.write();
      session.out().println("execution_mode=" + config.executionMode().key());
      return 0;
    }
  }
}
