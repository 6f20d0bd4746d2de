package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import dev.gryt.cli.ProblemsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of generations and evolutions, over {@code gryt.db} and the generation files: each
 * operation checks everything first, writes the database (and file) second, then publishes its
 * event for the sync handler.
 */
public final class LocalReleases {
  private final LocalSession session;
  private final LocalStore store;
  private final Clock clock;

  public LocalReleases(LocalSession session) {
    this.session = session;
    this.store = session.store();
    this.clock = session.environment().clock();
  }

  private String now() {
    return Instant.now(clock).toString();
  }

  // ------------------------------------------------------------------ generations

  /**
   * Creates a generation. When its file already exists (written by hand first), its content is
   * used; {@code description} overrides the file's when given.
   */
  public LocalGeneration create(String versionText, String description) {
    String version = Versions.normalize(versionText);
    if (store.generation(version).isPresent()) {
      throw new CliException(
          "generation " + version + " already exists (see: gryt generation show " + version + ")");
    }
    Path file = session.project().generationFile(version);
    GenerationFile content =
        new GenerationFile(version, description == null ? "" : description, List.of());
    boolean existed = Files.isRegularFile(file);
    if (existed) {
      GenerationFile onDisk = GenerationFile.read(file);
      requireSameVersion(file, onDisk, version);
      content =
          new GenerationFile(
              version, description == null ? onDisk.description() : description, onDisk.changes());
    }
    content.write(file);
    long id;
    try {
      id = store.insertGeneration(content, now(), SyncStatus.NOT_SYNCED, null);
    } catch (RuntimeException e) {
      if (!existed) {
        deleteQuietly(file);
      }
      throw e;
    }
    session.bus().publish(LocalEvent.generation(LocalEvent.Type.GENERATION_CREATED, id));
    return store.generationById(id).orElseThrow();
  }

  /** What {@link #update} did. */
  public record Updated(LocalGeneration generation, List<String> kept) {}

  /**
   * Re-reads the generation's file into the database. A change removed from the file that already
   * has evolutions is kept (and written back to the file), with a warning.
   */
  public Updated update(String versionText) {
    LocalGeneration g = store.requireGeneration(versionText);
    refuseIfPromoted(g);
    Path file = session.project().generationFile(g.version());
    if (!Files.isRegularFile(file)) {
      g.file().write(file);
      throw new CliException(
          file
              + " was missing; it is written again from gryt.db: edit it, then run: gryt generation update "
              + g.version());
    }
    GenerationFile content = GenerationFile.read(file);
    requireSameVersion(file, content, g.version());
    Set<String> inFile = new LinkedHashSet<>();
    content.changes().forEach(c -> inFile.add(c.id()));
    Set<String> proven = new LinkedHashSet<>();
    store.evolutions(g.id()).forEach(e -> proven.add(e.changeId()));
    List<Change> changes = new ArrayList<>(content.changes());
    List<String> kept = new ArrayList<>();
    for (Change old : g.changes()) {
      if (!inFile.contains(old.id()) && proven.contains(old.id())) {
        changes.add(old);
        kept.add(old.id());
      }
    }
    GenerationFile merged = new GenerationFile(g.version(), content.description(), changes);
    store
        .database()
        .inTransaction(
            () -> {
              store.replaceContent(g.id(), merged.description(), merged.changes(), now());
              store.markChanged(g.id());
              return null;
            });
    if (!kept.isEmpty()) {
      merged.write(file);
    }
    session.bus().publish(LocalEvent.generation(LocalEvent.Type.GENERATION_UPDATED, g.id()));
    return new Updated(store.generationById(g.id()).orElseThrow(), kept);
  }

  public LocalGeneration rename(String oldText, String newText) {
    LocalGeneration g = store.requireGeneration(oldText);
    String version = Versions.normalize(newText);
    refuseIfPromoted(g);
    if (version.equals(g.version())) {
      throw new CliException("generation is already " + version);
    }
    if (store.generation(version).isPresent()) {
      throw new CliException("generation " + version + " already exists; pick another version");
    }
    Path oldFile = session.project().generationFile(g.version());
    Path newFile = session.project().generationFile(version);
    if (Files.exists(newFile)) {
      throw new CliException(newFile + " already exists; remove or rename it first");
    }
    String syncStatus =
        SyncStatus.CONFLICT.equals(g.syncStatus()) && g.remoteId() == null
            ? SyncStatus.NOT_SYNCED
            : g.syncStatus();
    store
        .database()
        .inTransaction(
            () -> {
              store
                  .database()
                  .update(
                      "UPDATE generations SET version = ?, updated_at = ?, sync_status = ?, sync_error = NULL WHERE id = ?",
                      version,
                      now(),
                      syncStatus,
                      g.id());
              store.markChanged(g.id());
              new GenerationFile(version, g.description(), g.changes()).write(newFile);
              return null;
            });
    deleteQuietly(oldFile);
    session.bus().publish(LocalEvent.generation(LocalEvent.Type.GENERATION_UPDATED, g.id()));
    return store.generationById(g.id()).orElseThrow();
  }

  /** Deletes a generation and its evolutions here and, unless {@code localOnly}, its cloud twin. */
  public LocalGeneration delete(String versionText, boolean localOnly) {
    LocalGeneration g = store.requireGeneration(versionText);
    if (g.promoted() && !localOnly) {
      throw new CliException(
          "generation "
              + g.version()
              + " is promoted and immutable; to forget it on this machine only: gryt generation delete "
              + g.version()
              + " --local-only");
    }
    if (!localOnly && g.remoteId() != null) {
      try {
        session.client().deleteGeneration(g.remoteId());
      } catch (dev.gryt.cli.cloud.ApiReplyException e) {
        if (!e.notFound()) {
          throw new CliException(
              "could not delete the cloud copy of "
                  + g.version()
                  + ": "
                  + e.getMessage()
                  + " (delete it here only with --local-only)");
        }
      } catch (CliException e) {
        throw new CliException(e.getMessage() + "; to delete it here only: --local-only");
      }
    }
    store.database().update("DELETE FROM generations WHERE id = ?", g.id());
    deleteQuietly(session.project().generationFile(g.version()));
    return g;
  }

  /** Why a generation cannot be promoted yet: one entry per unproven change; empty when it can. */
  public List<String> unproven(LocalGeneration g) {
    Map<String, Boolean> passed = new HashMap<>();
    Map<String, String> latest = new HashMap<>();
    for (LocalEvolution e : store.evolutions(g.id())) {
      if (LocalEvolution.PASS.equals(e.status())) {
        passed.put(e.changeId(), true);
      }
      if (e.completed()) {
        latest.put(e.changeId(), e.status());
      }
    }
    List<String> unproven = new ArrayList<>();
    for (Change c : g.changes()) {
      if (!passed.containsKey(c.id())) {
        unproven.add(
            c.id()
                + ": no passing evolution (gryt evolution start "
                + g.version()
                + " --change "
                + c.id()
                + ")");
      } else if (LocalEvolution.FAIL.equals(latest.get(c.id()))) {
        unproven.add(c.id() + ": its latest evolution failed (prove it again)");
      }
    }
    return unproven;
  }

  public LocalGeneration promote(String versionText, boolean tag) {
    LocalGeneration g = store.requireGeneration(versionText);
    if (g.promoted()) {
      throw new CliException(
          "generation "
              + g.version()
              + " is already promoted ("
              + g.promotedAt()
              + " by "
              + g.promotedBy()
              + ")");
    }
    List<String> unproven = unproven(g);
    if (!unproven.isEmpty()) {
      List<String> lines = new ArrayList<>();
      lines.add(
          "error: generation "
              + g.version()
              + " cannot be promoted: "
              + unproven.size()
              + " unproven change(s) (evolutions proven elsewhere arrive with: gryt sync pull)");
      unproven.forEach(u -> lines.add("  " + u));
      throw new ProblemsException(lines);
    }
    String who = who();
    Instant when = Instant.now(clock);
    store
        .database()
        .inTransaction(
            () -> {
              store
                  .database()
                  .update(
                      "UPDATE generations SET status = 'promoted', promoted_by = ?, promoted_at = ?, tag = ?, updated_at = ? WHERE id = ?",
                      who,
                      when.toString(),
                      tag ? g.version() : null,
                      when.toString(),
                      g.id());
              store.markChanged(g.id());
              // Last, so that a refused tag rolls the promotion back.
              if (tag) {
                GitTagger.tag(
                    session.project().root(),
                    g.version(),
                    "gryt generation "
                        + g.version()
                        + (g.description().isBlank() ? "" : ": " + g.description()),
                    who,
                    when);
              }
              return null;
            });
    session.bus().publish(LocalEvent.generation(LocalEvent.Type.GENERATION_PROMOTED, g.id()));
    return store.generationById(g.id()).orElseThrow();
  }

  /** Who promotes: {@code user} in the config, else git's user, else {@code $USER}. */
  private String who() {
    String configured = session.config().get(LocalConfig.Key.USER);
    if (configured != null) {
      return configured;
    }
    String git = GitTagger.gitUser(session.project().root());
    if (git != null) {
      return git;
    }
    String user = session.environment().variable("USER");
    return user != null ? user : "unknown";
  }

  // ------------------------------------------------------------------ evolutions

  public LocalEvolution startEvolution(String versionText, String changeId) {
    LocalGeneration g = store.requireGeneration(versionText);
    refuseIfPromoted(g);
    if (g.changes().stream().noneMatch(c -> c.id().equals(changeId))) {
      List<String> ids = g.changes().stream().map(Change::id).toList();
      throw new CliException(
          "generation "
              + g.version()
              + " has no change "
              + changeId
              + (ids.isEmpty()
                  ? " (it has no changes yet: add them to .gryt/generations/"
                      + g.version()
                      + ".yaml, then gryt generation update "
                      + g.version()
                      + ")"
                  : " (its changes: " + String.join(", ", ids) + ")"));
    }
    SecureRandom random = new SecureRandom();
    String name = null;
    for (int attempt = 0; attempt < 50 && name == null; attempt++) {
      String candidate = CodeNames.next(random);
      if (store.evolution(candidate).isEmpty()) {
        name = candidate;
      }
    }
    if (name == null) {
      throw new CliException("could not find a free evolution name; try again");
    }
    long id =
        store.insertEvolution(
            name,
            g.id(),
            changeId,
            LocalEvolution.IN_PROGRESS,
            null,
            now(),
            null,
            SyncStatus.NOT_SYNCED,
            null);
    session.bus().publish(LocalEvent.evolution(LocalEvent.Type.EVOLUTION_CREATED, g.id(), id));
    return store.evolution(name).orElseThrow();
  }

  public LocalEvolution requireEvolution(String codeName) {
    return store
        .evolution(codeName)
        .orElseThrow(
            () ->
                new CliException(
                    "no evolution "
                        + codeName
                        + " in this project (see: gryt evolution list VERSION)"));
  }

  /** Records how the proof ended and publishes {@code evolution.completed}. */
  public LocalEvolution complete(LocalEvolution e, String pipeline, String runId, boolean passed) {
    store
        .database()
        .update(
            "UPDATE evolutions SET status = ?, pipeline = ?, run_id = ?, completed_at = ?,"
                + " sync_status = 'not_synced', sync_error = NULL WHERE id = ?",
            passed ? LocalEvolution.PASS : LocalEvolution.FAIL,
            pipeline,
            runId,
            now(),
            e.id());
    session
        .bus()
        .publish(
            LocalEvent.evolution(LocalEvent.Type.EVOLUTION_COMPLETED, e.generationId(), e.id()));
    return store.evolution(e.codeName()).orElseThrow();
  }

  // ------------------------------------------------------------------ helpers

  static void refuseIfPromoted(LocalGeneration g) {
    if (g.promoted()) {
      throw new CliException(
          "generation "
              + g.version()
              + " is promoted and immutable; start a new one: gryt generation new NEXT_VERSION");
    }
  }

  private static void requireSameVersion(Path file, GenerationFile content, String version) {
    if (!content.version().equals(version)) {
      int line = 0;
      try {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).startsWith("version:")) {
            line = i + 1;
            break;
          }
        }
      } catch (IOException ignored) {
        // the line number is a courtesy
      }
      throw new ProblemsException(
          List.of(
              file
                  + ":"
                  + line
                  + ": version: is "
                  + content.version()
                  + " but the file is for "
                  + version
                  + " (to change the version: gryt generation rename "
                  + version
                  + " "
                  + content.version()
                  + ")"));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a stale file is re-written on the next write
    }
  }
}
