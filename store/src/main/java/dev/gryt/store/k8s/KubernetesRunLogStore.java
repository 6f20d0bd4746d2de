package dev.gryt.store.k8s;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.agent.RunReport;
import dev.gryt.store.LogChunk;
import dev.gryt.store.RunLogStore;
import dev.gryt.store.SqlSideTables;
import dev.gryt.store.StepLogSize;
import java.util.List;

/**
 * The {@link RunLogStore} of a {@link KubernetesResourceStore}: a report writes the JobRun's status
 * in the cluster (fenced by its version) and then appends the logs in SQL. Without a transaction
 * over both, a crash in between keeps the status without those logs.
 */
final class KubernetesRunLogStore implements RunLogStore {
  private final KubernetesResourceStore store;
  private final SqlSideTables side;

  KubernetesRunLogStore(KubernetesResourceStore store, SqlSideTables side) {
    this.store = store;
    this.side = side;
  }

  @Override
  public JobRun report(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun) {
    JobRun written = store.updateStatus(run);
    side.appendRunLogs(
        written.getMetadata().getNamespace(),
        written.getMetadata().getName(),
        attempt,
        logs,
        maxCharsPerStep,
        maxCharsPerRun);
    return written;
  }

  @Override
  public List<LogChunk> read(String namespace, String runName, long afterSeq, int limit) {
    return side.runLogs(store.namespaceOf(namespace), runName, afterSeq, limit);
  }

  @Override
  public List<LogChunk> readStep(
      String namespace, String runName, String step, long afterSeq, int limit, long maxChars) {
    return side.stepLogs(store.namespaceOf(namespace), runName, step, afterSeq, limit, maxChars);
  }

  @Override
  public StepLogSize stepSize(String namespace, String runName, String step, long throughSeq) {
    return side.stepLogSize(store.namespaceOf(namespace), runName, step, throughSeq);
  }
}
