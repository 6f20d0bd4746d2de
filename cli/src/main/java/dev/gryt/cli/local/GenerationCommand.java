package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gryt generation ...}: release contracts, kept in {@code gryt.db} and YAML files. */
@Command(
    name = "generation",
    description = "Release contracts: new, update, list, show, rename, delete, promote.")
public final class GenerationCommand {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  GenerationCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  private LocalSession open() {
    return LocalSession.open(environment, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  @Command(
      name = "new",
      description = "Create a generation and its file .gryt/generations/VERSION.yaml.")
  int create(
      @Parameters(paramLabel = "VERSION", description = "A semantic version; a leading v is added.")
          String version,
      @Option(
              names = {"-d", "--description"},
              paramLabel = "DESC")
          String description) {
    try (LocalSession session = open()) {
      LocalGeneration g = new LocalReleases(session).create(version, description);
      session.out().println("created generation " + g.version());
      session
          .out()
          .println("  describe its changes in " + session.project().generationFile(g.version()));
      session.out().println("  then run: gryt generation update " + g.version());
      return 0;
    }
  }

  @Command(name = "update", description = "Re-read .gryt/generations/VERSION.yaml into gryt.db.")
  int update(@Parameters(paramLabel = "VERSION") String version) {
    try (LocalSession session = open()) {
      LocalReleases.Updated updated = new LocalReleases(session).update(version);
      for (String kept : updated.kept()) {
        session
            .err()
            .println(
                "warning: change "
                    + kept
                    + " was removed from the file but has evolutions; it is kept (and written back)");
      }
      session
          .out()
          .println(
              "updated generation "
                  + updated.generation().version()
                  + ": "
                  + updated.generation().changes().size()
                  + " change(s)");
      return 0;
    }
  }

  private static final int[] WIDTHS = {20, 9, 8, 11};

  private static void row(StringBuilder text, String... cells) {
    for (int i = 0; i < cells.length; i++) {
      text.append(cells[i]);
      if (i < WIDTHS.length) {
        for (int pad = cells[i].length(); pad <= WIDTHS[i]; pad++) {
          text.append(' ');
        }
      }
    }
    text.append(System.lineSeparator());
  }

  @Command(name = "list", description = "List the generations of this project.")
  int list() {
    try (LocalSession session = open()) {
      PrintWriter out = session.out();
      Map<Long, int[]> proofs = new HashMap<>();
      session
          .store()
          .query(
              "SELECT c.generation_id, COUNT(*),"
                  + " SUM(CASE WHEN EXISTS (SELECT 1 FROM evolutions e WHERE e.generation_id ="
                  + " c.generation_id AND e.change_id = c.change_id AND e.status = 'pass') THEN 1"
                  + " ELSE 0 END) FROM changes c GROUP BY c.generation_id",
              r -> proofs.put(r.getLong(1), new int[] {r.getInt(2), r.getInt(3)}));
      StringBuilder text = new StringBuilder();
      // Padded by hand: String.format's first call loads the Formatter and regex machinery, a
      // visible share of this command's start-up.
      row(text, "VERSION", "STATUS", "PROVEN", "SYNC", "DESCRIPTION");
      int[] count = {0};
      session
          .store()
          .query(
              "SELECT id, version, status, sync_status, description FROM generations ORDER BY id",
              r -> {
                int[] p = proofs.getOrDefault(r.getLong(1), new int[] {0, 0});
                String description = r.getString(5);
                if (description.length() > 50) {
                  description = description.substring(0, 47) + "...";
                }
                row(
                    text,
                    r.getString(2),
                    r.getString(3),
                    p[1] + "/" + p[0],
                    r.getString(4),
                    description.replace('\n', ' '));
                count[0]++;
              });
      if (count[0] == 0) {
        out.println("no generations yet; create one with: gryt generation new 0.1.0");
      } else {
        out.print(text);
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "show",
      description = "Show a generation, its changes, evolutions and sync state.")
  int show(@Parameters(paramLabel = "VERSION") String version) {
    try (LocalSession session = open()) {
      LocalGeneration g = session.store().requireGeneration(version);
      PrintWriter out = session.out();
      out.println("version:      " + g.version());
      out.println("description:  " + g.description());
      out.println("status:       " + g.status());
      if (g.promoted()) {
        out.println("promoted_by:  " + g.promotedBy());
        out.println("promoted_at:  " + g.promotedAt());
        out.println("tag:          " + (g.tag() == null ? "(none)" : g.tag()));
      }
      out.println("created_at:   " + g.createdAt());
      out.println("sync_status:  " + g.syncStatus());
      out.println("remote_id:    " + (g.remoteId() == null ? "" : g.remoteId()));
      if (g.syncError() != null) {
        out.println("sync_error:   " + g.syncError());
      }
      out.println("file:         " + session.project().generationFile(g.version()));
      List<LocalEvolution> evolutions = session.store().evolutions(g.id());
      out.println("changes:" + (g.changes().isEmpty() ? " (none)" : ""));
      for (Change c : g.changes()) {
        String proof =
            evolutions.stream()
                    .anyMatch(
                        e -> e.changeId().equals(c.id()) && LocalEvolution.PASS.equals(e.status()))
                ? "proven"
                : "unproven";
        out.println("  " + c.id() + " [" + c.type() + "] " + c.title() + " (" + proof + ")");
        if (!c.description().isBlank()) {
          out.println("      " + c.description());
        }
        for (LocalEvolution e : evolutions) {
          if (e.changeId().equals(c.id())) {
            out.println(
                "      evolution "
                    + e.codeName()
                    + ": "
                    + e.status()
                    + " ("
                    + e.syncStatus()
                    + ")");
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "rename", description = "Change a generation's version (and its file).")
  int rename(
      @Parameters(paramLabel = "OLD") String from, @Parameters(paramLabel = "NEW") String to) {
    try (LocalSession session = open()) {
      String old = Versions.normalize(from);
      LocalGeneration g = new LocalReleases(session).rename(from, to);
      session.out().println("renamed generation " + old + " to " + g.version());
      return 0;
    }
  }

  @Command(
      name = "delete",
      description = "Delete a generation and its evolutions, here and in the cloud.")
  int delete(
      @Parameters(paramLabel = "VERSION") String version,
      @Option(names = "--local-only", description = "Keep the cloud copy.") boolean localOnly) {
    try (LocalSession session = open()) {
      LocalGeneration g = new LocalReleases(session).delete(version, localOnly);
      session
          .out()
          .println(
              "deleted generation "
                  + g.version()
                  + (g.remoteId() == null
                      ? ""
                      : localOnly
                          ? " here (the cloud copy " + g.remoteId() + " is kept)"
                          : " here and in the cloud"));
      return 0;
    }
  }

  @Command(
      name = "promote",
      description =
          "Promote a generation whose changes are all proven; tags it in git and freezes it.")
  int promote(
      @Parameters(paramLabel = "VERSION") String version,
      @Option(names = "--no-tag", description = "Do not create the annotated git tag.")
          boolean noTag) {
    try (LocalSession session = open()) {
      LocalGeneration g = new LocalReleases(session).promote(version, !noTag);
      session
          .out()
          .println(
              "promoted generation "
                  + g.version()
                  + " by "
                  + g.promotedBy()
                  + (g.tag() == null ? "" : "; git tag " + g.tag() + " created"));
      return 0;
    }
  }
}
