package dev.gryt.store;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.agent.RunReport;
import java.util.List;

/**
 * The output of runs, kept beside the JobRuns. A {@link ResourceStore} gives its own ({@link
 * ResourceStore#runLogs()}), sharing its transactions: a run report's status and its logs are
 * written together. Deleting a JobRun through the resource store forgets its logs.
 */
public interface RunLogStore {
  /**
   * Writes a run's status as {@link ResourceStore#updateStatus} does (fenced by its
   * resourceVersion) and, in the same transaction, appends its agent's output. Each step keeps at
   * most {@code maxCharsPerStep} characters and the run at most {@code maxCharsPerRun} (its owner's
   * quota): what goes beyond is dropped behind one truncation marker.
   */
  JobRun report(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun);

  /**
   * A run's output after {@code afterSeq}, oldest first, at most {@code limit} chunks. A deleted
   * run's output is gone with it.
   */
  List<LogChunk> read(String namespace, String runName, long afterSeq, int limit);

  /**
   * One step's output after {@code afterSeq}, oldest first: at most {@code limit} chunks, and no
   * chunk more once {@code maxChars} characters are read (the first is always returned).
   */
  List<LogChunk> readStep(
      String namespace, String runName, String step, long afterSeq, int limit, long maxChars);

  /** How much output a step has, and how many lines its chunks up to {@code throughSeq} hold. */
  StepLogSize stepSize(String namespace, String runName, String step, long throughSeq);
}
