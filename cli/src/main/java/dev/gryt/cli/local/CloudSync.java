package dev.gryt.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliException;
import dev.gryt.cli.cloud.ApiReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Pushes local generations and evolutions to the server and pulls the server's in. The local
 * database stays the source of truth: a push that fails marks the record {@code failed} and keeps
 * it; a pull never overwrites a record changed here since its last sync; a version held in the
 * cloud under another id is a {@code conflict}, reported with the ways out.
 */
public final class CloudSync {
  private final LocalStore store;
  private final Project project;
  private final ReleaseClient client;
  private final Consumer<String> report;

  /**
   * @param report receives one line per thing done, for the command to print
   */
  public CloudSync(
      LocalStore store, Project project, ReleaseClient client, Consumer<String> report) {
    this.store = store;
    this.project = project;
    this.client = client;
    this.report = report;
  }

  // ------------------------------------------------------------------ push

  /**
   * Pushes one generation (created or updated in the cloud); a promoted one also takes its passing
   * evolutions and its promotion along. With {@code evolutions}, every unsynced evolution goes too.
   *
   * @throws SyncConflictException when the cloud has this version under another id
   * @throws CliException when the server cannot be reached or refuses; the record is {@code failed}
   */
  public void pushGeneration(LocalGeneration g, boolean evolutions) {
    pushGeneration(g, evolutions, Overwrite.CHANGED_HERE);
  }

  /** When a push may replace the server's copy of a generation that differs from the local one. */
  public enum Overwrite {
    /** {@code gryt sync push}: the server's copy of a generation with local changes. */
    CHANGED_HERE,
    /** {@code gryt cloud sync}: never a copy changed on the server since the last sync. */
    NEVER_CHANGED_THERE,
    /**
     * {@code gryt cloud sync --force}: any copy that differs, also one under the same version but
     * another id, but never a promoted one.
     */
    FORCE
  }

  /** What a push of a generation will do. */
  public record Decision(Action action, String remoteId, JsonNode remote, String conflict) {
    public enum Action {
      CREATE,
      UPDATE,
      NONE,
      CONFLICT
    }
  }

  /** Decides, reading the server only, what pushing {@code g} does. */
  public Decision decide(LocalGeneration g, Overwrite overwrite) {
    String remoteId = g.remoteId();
    JsonNode remote = null;
    if (remoteId != null) {
      try {
        remote = client.generation(remoteId);
      } catch (ApiReplyException e) {
        if (!e.notFound()) {
          throw e;
        }
        remoteId = null; // deleted in the cloud: push it again as new
      }
    }
    boolean adopted = false;
    if (remote == null) {
      List<JsonNode> same = client.generations(g.version());
      if (same.isEmpty()) {
        return new Decision(Decision.Action.CREATE, null, null, null);
      }
      JsonNode other = same.get(0);
      String otherId = other.path("id").asText();
      if (overwrite != Overwrite.FORCE) {
        return conflict(SyncConflictException.takenVersion(g.version(), otherId), null);
      }
      if (promoted(other)) {
        return conflict(
            "generation "
                + g.version()
                + " is promoted in the cloud as "
                + otherId
                + " and stays as it is (--force never overwrites a promoted generation)",
            null);
      }
      remote = other;
      remoteId = otherId;
      adopted = true;
    }
    if (promoted(remote)) {
      if (!g.promoted()) {
        return conflict(
            "generation "
                + g.version()
                + " was promoted in the cloud and can no longer change; take it with: gryt sync pull",
            remoteId);
      }
      return new Decision(Decision.Action.NONE, remoteId, remote, null);
    }
    if (ReleaseClient.fileOf(remote).equals(g.file())) {
      return new Decision(Decision.Action.NONE, remoteId, remote, null);
    }
    if (overwrite == Overwrite.NEVER_CHANGED_THERE
        && !adopted
        && SyncStatus.SYNCED.equals(g.syncStatus())) {
      return conflict(
          "generation "
              + g.version()
              + " changed in the cloud since it was synced; take it with: gryt sync pull, or"
              + " overwrite it with: gryt cloud sync --force",
          remoteId);
    }
    return new Decision(Decision.Action.UPDATE, remoteId, remote, null);
  }

  private static Decision conflict(String message, String remoteId) {
    return new Decision(Decision.Action.CONFLICT, remoteId, null, message);
  }

  private static boolean promoted(JsonNode remote) {
    return remote.path("status").asText().equals(LocalGeneration.PROMOTED);
  }

  /**
   * Pushes one generation as {@link #decide} says, with its evolutions as {@link
   * #pushGeneration(LocalGeneration, boolean)} says.
   */
  public void pushGeneration(LocalGeneration g, boolean evolutions, Overwrite overwrite) {
    String remoteId = g.remoteId();
    store.setSync(g, SyncStatus.SYNCING, remoteId, null);
    try {
      Decision decision = decide(g, overwrite);
      remoteId = decision.remoteId();
      JsonNode remote = decision.remote();
      switch (decision.action()) {
        case CONFLICT -> {
          store.setSync(g, SyncStatus.CONFLICT, remoteId, decision.conflict());
          throw new SyncConflictException(decision.conflict());
        }
        case CREATE -> {
          remote = client.createGeneration(g);
          remoteId = remote.path("id").asText();
          report.accept("pushed generation " + g.version() + " (" + remoteId + ")");
        }
        case UPDATE -> {
          try {
            remote = client.updateGeneration(remoteId, g);
          } catch (ApiReplyException e) {
            if (e.status() == 409) {
              String message =
                  SyncConflictException.takenVersion(g.version(), "another generation");
              store.setSync(g, SyncStatus.CONFLICT, remoteId, message);
              throw new SyncConflictException(message);
            }
            throw e;
          }
          report.accept("pushed changes of generation " + g.version() + " (" + remoteId + ")");
        }
        case NONE -> {}
      }
      store.setSync(g, SyncStatus.SYNCED, remoteId, null);
      LocalGeneration synced = store.generationById(g.id()).orElseThrow();
      for (LocalEvolution e : store.evolutions(g.id())) {
        boolean pending = !SyncStatus.SYNCED.equals(e.syncStatus());
        boolean proof = LocalEvolution.PASS.equals(e.status());
        if (pending && (evolutions || (g.promoted() && proof))) {
          pushEvolution(synced, e);
        }
      }
      if (g.promoted() && !promoted(remote)) {
        client.promote(remoteId, g.promotedBy(), g.promotedAt());
        report.accept("pushed promotion of " + g.version());
      }
      store.setSync(g, SyncStatus.SYNCED, remoteId, null);
    } catch (SyncConflictException e) {
      throw e;
    } catch (CliException e) {
      store.setSync(g, SyncStatus.FAILED, remoteId, e.getMessage());
      throw e;
    }
  }

  /** Pushes one evolution, pushing its generation first when the cloud does not have it yet. */
  public void pushEvolution(LocalGeneration g, LocalEvolution e) {
    if (g.remoteId() == null || !SyncStatus.SYNCED.equals(g.syncStatus())) {
      pushGeneration(g, false);
      g = store.generationById(g.id()).orElseThrow();
      e = store.evolution(e.codeName()).orElseThrow();
      if (SyncStatus.SYNCED.equals(e.syncStatus())) {
        return; // the generation's push took it along
      }
    }
    store.setSync(e, SyncStatus.SYNCING, e.remoteId(), null);
    try {
      if (e.completed() && e.runId() != null) {
        var run = store.proofRun(e.runId());
        if (run.isPresent()) {
          client.uploadProofRun(run.get());
          report.accept("uploaded proof run " + e.runId() + " of " + e.codeName());
        }
      }
      String remoteId = e.remoteId();
      if (remoteId != null) {
        try {
          client.updateEvolution(e);
        } catch (ApiReplyException gone) {
          if (!gone.notFound()) {
            throw gone;
          }
          remoteId = null; // deleted in the cloud: push it again as new
        }
      }
      if (remoteId == null) {
        remoteId = client.createEvolution(e, g.remoteId()).path("id").asText();
      }
      store.setSync(e, SyncStatus.SYNCED, remoteId, null);
      report.accept("pushed evolution " + e.codeName() + " (" + e.status() + ")");
    } catch (ApiReplyException ex) {
      String status = ex.status() == 409 ? SyncStatus.CONFLICT : SyncStatus.FAILED;
      store.setSync(e, status, e.remoteId(), ex.getMessage());
      throw ex;
    } catch (CliException ex) {
      store.setSync(e, SyncStatus.FAILED, e.remoteId(), ex.getMessage());
      throw ex;
    }
  }

  // ------------------------------------------------------------------ pull

  /** What a pull did. */
  public record PullResult(int pulled, int updated, int kept, List<String> conflicts) {}

  public PullResult pull() {
    int pulled = 0;
    int updated = 0;
    int kept = 0;
    List<String> conflicts = new ArrayList<>();
    for (JsonNode remote : client.generations(null)) {
      String remoteId = remote.path("id").asText();
      GenerationFile content = ReleaseClient.fileOf(remote);
      boolean remotePromoted = LocalGeneration.PROMOTED.equals(remote.path("status").asText());
      LocalGeneration local = store.generationByRemoteId(remoteId).orElse(null);
      if (local != null) {
        boolean unchangedHere = SyncStatus.SYNCED.equals(local.syncStatus());
        boolean promotionArrived = remotePromoted && !local.promoted();
        if ((unchangedHere || promotionArrived) && differs(local, content, remote)) {
          if (!promotionArrived && draftInFile(local)) {
            kept++;
            report.accept(
                "kept local changes to "
                    + local.version()
                    + " (its file is not read in yet: gryt generation update "
                    + local.version()
                    + ", then gryt sync push)");
            continue;
          }
          if (!unchangedHere) {
            report.accept(
                "generation "
                    + local.version()
                    + " was promoted in the cloud; its local edits are replaced by the promoted contract");
          }
          takeRemote(local, content, remote);
          updated++;
        } else if (!unchangedHere) {
          kept++;
          report.accept(
              "kept local changes to " + local.version() + " (push them with: gryt sync push)");
        }
        continue;
      }
      LocalGeneration sameVersion = store.generation(content.version()).orElse(null);
      if (sameVersion != null) {
        String message = SyncConflictException.takenVersion(content.version(), remoteId);
        store.setSync(sameVersion, SyncStatus.CONFLICT, sameVersion.remoteId(), message);
        conflicts.add(message);
        continue;
      }
      long id =
          store.insertGeneration(
              content, remote.path("created_at").asText(), SyncStatus.SYNCED, remoteId);
      if (remotePromoted) {
        store
            .database()
            .update(
                "UPDATE generations SET status = 'promoted', promoted_by = ?, promoted_at = ? WHERE id = ?",
                remote.path("promoted_by").asText(null),
                remote.path("promoted_at").asText(null),
                id);
      }
      content.write(project.generationFile(content.version()));
      report.accept(
          "pulled generation " + content.version() + (remotePromoted ? " (promoted)" : ""));
      pulled++;
    }
    for (JsonNode remote : client.evolutions(null)) {
      LocalGeneration g =
          store.generationByRemoteId(remote.path("generation_id").asText()).orElse(null);
      if (g == null) {
        continue;
      }
      String status = remote.path("status").asText();
      LocalEvolution local = store.evolutionByRemoteId(remote.path("id").asText()).orElse(null);
      if (local != null) {
        if (SyncStatus.SYNCED.equals(local.syncStatus()) && !status.equals(local.status())) {
          store
              .database()
              .update(
                  "UPDATE evolutions SET status = ?, completed_at = ?, pipeline = ? WHERE id = ?",
                  status,
                  remote.path("completed_at").asText(null),
                  remote.path("pipeline").asText(null),
                  local.id());
          updated++;
        }
        continue;
      }
      if (store.evolution(remote.path("code_name").asText()).isPresent()) {
        continue; // a local evolution of that name is on its way up
      }
      store.insertEvolution(
          remote.path("code_name").asText(),
          g.id(),
          remote.path("change_id").asText(),
          status,
          remote.path("pipeline").asText(null),
          remote.path("started_at").asText(),
          remote.path("completed_at").asText(null),
          SyncStatus.SYNCED,
          remote.path("id").asText());
      report.accept(
          "pulled evolution "
              + remote.path("code_name").asText()
              + " of "
              + g.version()
              + " ("
              + status
              + ")");
      pulled++;
    }
    return new PullResult(pulled, updated, kept, conflicts);
  }

  /**
   * Whether the generation's file holds edits not yet read into gryt.db ({@code gryt generation
   * update}): the record still says synced, but the file is where people edit, and a file that
   * differs from the record (or no longer parses) is work in progress that a pull must not write
   * over.
   */
  private boolean draftInFile(LocalGeneration local) {
    java.nio.file.Path file = project.generationFile(local.version());
    if (!java.nio.file.Files.isRegularFile(file)) {
      return false;
    }
    try {
      return !GenerationFile.read(file).equals(local.file());
    } catch (dev.gryt.cli.ProblemsException e) {
      return true;
    }
  }

  private static boolean differs(LocalGeneration local, GenerationFile content, JsonNode remote) {
    return !local.file().equals(content)
        || !Objects.equals(local.status(), remote.path("status").asText());
  }

  private void takeRemote(LocalGeneration local, GenerationFile content, JsonNode remote) {
    store
        .database()
        .inTransaction(
            () -> {
              store.replaceContent(
                  local.id(),
                  content.description(),
                  content.changes(),
                  remote.path("updated_at").asText());
              store
                  .database()
                  .update(
                      "UPDATE generations SET version = ?, status = ?, promoted_by = ?,"
                          + " promoted_at = ?, sync_status = 'synced', sync_error = NULL WHERE id = ?",
                      content.version(),
                      remote.path("status").asText(),
                      remote.path("promoted_by").asText(null),
                      remote.path("promoted_at").asText(null),
                      local.id());
              return null;
            });
    if (!local.version().equals(content.version())) {
      try {
        java.nio.file.Files.deleteIfExists(project.generationFile(local.version()));
      } catch (java.io.IOException e) {
        report.accept(
            "could not remove " + project.generationFile(local.version()) + ": " + e.getMessage());
      }
    }
    content.write(project.generationFile(content.version()));
    report.accept(
        "updated generation "
            + content.version()
            + " from the cloud"
            + (LocalGeneration.PROMOTED.equals(remote.path("status").asText())
                ? " (promoted)"
                : ""));
  }
}
