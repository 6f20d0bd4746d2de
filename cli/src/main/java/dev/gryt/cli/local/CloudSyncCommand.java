package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gryt cloud sync [--all] [--force] [--dry-run]}: brings the server up to this project's
 * local generations and evolutions, as the gryt-ci Cloud Integration Guide's "Force sync" and
 * "Backfill historical data" steps do. A generation changed on the server since it was synced is a
 * conflict unless {@code --force}; a promoted generation on the server is never overwritten.
 */
@Command(
    name = "sync",
    description =
        "Push every local generation and evolution the server does not have yet (--all: also"
            + " those marked synced; --force: overwrite the server's copies that differ, except"
            + " promoted generations; --dry-run: only say what would change).")
public final class CloudSyncCommand implements Callable<Integer> {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  @Option(names = "--all", description = "Also push what is marked synced (backfill).")
  boolean all;

  @Option(
      names = "--force",
      description = "Overwrite the server's copies that differ (never a promoted generation).")
  boolean force;

  @Option(names = "--dry-run", description = "Say what would change; change nothing.")
  boolean dryRun;

  CloudSyncCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    try (LocalSession session =
        LocalSession.open(environment, spec.commandLine().getOut(), spec.commandLine().getErr())) {
      LocalStore store = session.store();
      List<LocalGeneration> targets = new ArrayList<>();
      for (LocalGeneration g : store.generations()) {
        boolean pendingEvolutions =
            store.evolutions(g.id()).stream()
                .anyMatch(e -> !SyncStatus.SYNCED.equals(e.syncStatus()));
        if (all || !SyncStatus.SYNCED.equals(g.syncStatus()) || pendingEvolutions) {
          targets.add(g);
        }
      }
      CloudSync sync = session.cloudSync();
      CloudSync.Overwrite overwrite =
          force ? CloudSync.Overwrite.FORCE : CloudSync.Overwrite.NEVER_CHANGED_THERE;
      PrintWriter out = session.out();
      List<String> problems = new ArrayList<>();
      int changed = 0;
      for (LocalGeneration g : targets) {
        List<LocalEvolution> evolutions = evolutionsToPush(store, g);
        if (dryRun) {
          CloudSync.Decision decision = sync.decide(g, overwrite);
          out.println(describe(g, decision, evolutions.size()));
          if (decision.action() == CloudSync.Decision.Action.CONFLICT) {
            problems.add(decision.conflict());
          }
          continue;
        }
        try {
          sync.pushGeneration(g, true, overwrite);
          LocalGeneration synced = store.generationById(g.id()).orElseThrow();
          if (all) {
            for (LocalEvolution e : store.evolutions(g.id())) {
              if (SyncStatus.SYNCED.equals(e.syncStatus())) {
                sync.pushEvolution(synced, e);
              }
            }
          }
          changed++;
        } catch (CliException e) {
          problems.add(g.version() + ": " + e.getMessage());
        }
      }
      if (dryRun) {
        out.println(
            "dry run against "
                + session.serverUrl()
                + ": "
                + targets.size()
                + " generation(s) looked at, nothing changed");
      } else {
        out.println(
            targets.isEmpty()
                ? "nothing to sync: every generation and evolution is on " + session.serverUrl()
                : "synced "
                    + changed
                    + " of "
                    + targets.size()
                    + " generation(s) with "
                    + session.serverUrl());
      }
      for (String problem : problems) {
        session.err().println((dryRun ? "would conflict: " : "error: ") + problem);
      }
      return problems.isEmpty() ? 0 : 1;
    }
  }

  private List<LocalEvolution> evolutionsToPush(LocalStore store, LocalGeneration g) {
    return store.evolutions(g.id()).stream()
        .filter(e -> all || !SyncStatus.SYNCED.equals(e.syncStatus()))
        .toList();
  }

  private static String describe(LocalGeneration g, CloudSync.Decision d, int evolutions) {
    String what =
        switch (d.action()) {
          case CREATE -> "would create generation " + g.version();
          case UPDATE -> "would update generation " + g.version() + " (" + d.remoteId() + ")";
          case NONE -> "generation " + g.version() + " is the same on the server";
          case CONFLICT -> "conflict: " + d.conflict();
        };
    return evolutions == 0 || d.action() == CloudSync.Decision.Action.CONFLICT
        ? what
        : what + "; would push " + evolutions + " evolution(s)";
  }
}
