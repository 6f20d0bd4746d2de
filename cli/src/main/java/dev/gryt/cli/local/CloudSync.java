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
    String remoteId = g.remoteId();
    store.setSync(g, SyncStatus.SYNCING, remoteId, null);
    try {
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
      if (remote == null) {
        List<JsonNode> same = client.generations(g.version());
        if (!same.isEmpty()) {
          String message =
              SyncConflictException.takenVersion(g.version(), same.get(0).path("id").asText());
          store.setSync(g, SyncStatus.CONFLICT, null, message);
          throw new SyncConflictException(message);
        }
        remote = client.createGeneration(g);
        remoteId = remote.path("id").asText();
        report.accept("pushed generation " + g.version() + " (" + remoteId + ")");
      } else if (remote.path("status").asText().equals(LocalGeneration.PROMOTED)) {
        if (!g.promoted()) {
          String message =
              "generation "
                  + g.version()
                  + " was promoted in the cloud and can no longer change; take it with: gryt sync pull";
          store.setSync(g, SyncStatus.CONFLICT, remoteId, message);
          throw new SyncConflictException(message);
        }
      } else if (!ReleaseClient.fileOf(remote).equals(g.file())) {
        try {
          remote = client.updateGeneration(remoteId, g);
        } catch (ApiReplyException e) {
          if (e.status() == 409) {
            String message = SyncConflictException.takenVersion(g.version(), "another generation");
            store.setSync(g, SyncStatus.CONFLICT, remoteId, message);
            throw new SyncConflictException(message);
          }
          throw e;
        }
        report.accept("pushed changes of generation " + g.version() + " (" + remoteId + ")");
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
      if (g.promoted() && !remote.path("status").asText().equals(LocalGeneration.PROMOTED)) {
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
      String remoteId = e.remoteId();
      if (remoteId == null) {
        remoteId = client.createEvolution(e, g.remoteId()).path("id").asText();
      } else {
        client.updateEvolution(e);
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
