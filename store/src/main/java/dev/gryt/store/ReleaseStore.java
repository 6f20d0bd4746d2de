package dev.gryt.store;

import java.util.List;
import java.util.Optional;

/**
 * Generations, evolutions and the proof runs clients upload, every call scoped to one account:
 * another account's records are never found, listed, changed or deleted.
 */
public interface ReleaseStore {
  /**
   * Stores a new generation; the store fills id and timestamps.
   *
   * @throws AlreadyExistsException when the account already has that version
   */
  Generation createGeneration(Generation generation);

  Optional<Generation> generation(String accountId, String id);

  /**
   * The account's generations, oldest first.
   *
   * @param version null for all, else only that version
   */
  List<Generation> generations(String accountId, String version);

  /**
   * Replaces version, description, changes, status and promotion of the generation with the same id
   * and account.
   *
   * @throws NotFoundException when there is none
   * @throws AlreadyExistsException when the new version is taken
   */
  Generation updateGeneration(Generation generation);

  /** Deletes a generation and its evolutions; false when there was none. */
  boolean deleteGeneration(String accountId, String id);

  /**
   * Stores a new evolution; the store fills id and timestamps.
   *
   * @throws AlreadyExistsException when the account already has that code name
   */
  Evolution createEvolution(Evolution evolution);

  Optional<Evolution> evolution(String accountId, String id);

  /**
   * The account's evolutions, oldest first.
   *
   * @param generationId null for all
   */
  List<Evolution> evolutions(String accountId, String generationId);

  /**
   * Replaces status, pipeline and completion time of the evolution with the same id and account.
   *
   * @throws NotFoundException when there is none
   */
  Evolution updateEvolution(Evolution evolution);

  boolean deleteEvolution(String accountId, String id);

  /**
   * Stores a proof run, replacing the account's run with the same {@code pipelineId}; the store
   * fills the timestamps (keeping the first {@code createdAt}).
   */
  ProofRun putProofRun(ProofRun run);

  Optional<ProofRun> proofRun(String accountId, String pipelineId);

  /** The account's proof runs, newest first, at most {@code limit}. */
  List<ProofRun> proofRuns(String accountId, int limit);

  /** Deletes the account's proof runs but the newest {@code keep}; returns how many went. */
  int pruneProofRuns(String accountId, int keep);
}
