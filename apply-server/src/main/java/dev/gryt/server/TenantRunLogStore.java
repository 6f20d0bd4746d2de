package dev.gryt.server;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.agent.RunReport;
import dev.gryt.store.LogChunk;
import dev.gryt.store.RunLogStore;
import dev.gryt.store.StepLogSize;
import java.util.List;

/** One account's view of the shared {@link RunLogStore}, as {@link TenantStore} is of the runs. */
final class TenantRunLogStore implements RunLogStore {
  private final RunLogStore runLogs;
  private final TenantStore view;

  TenantRunLogStore(RunLogStore runLogs, TenantStore view) {
    this.runLogs = runLogs;
    this.view = view;
  }

  @Override
  public JobRun report(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun) {
    return view.out(
        view.withStoredNamespace(
            run, () -> runLogs.report(run, attempt, logs, maxCharsPerStep, maxCharsPerRun)));
  }

  @Override
  public List<LogChunk> read(String namespace, String runName, long afterSeq, int limit) {
    return runLogs.read(view.in(namespace), runName, afterSeq, limit);
  }

  @Override
  public List<LogChunk> readStep(
      String namespace, String runName, String step, long afterSeq, int limit, long maxChars) {
    return runLogs.readStep(view.in(namespace), runName, step, afterSeq, limit, maxChars);
  }

  @Override
  public StepLogSize stepSize(String namespace, String runName, String step, long throughSeq) {
    return runLogs.stepSize(view.in(namespace), runName, step, throughSeq);
  }
}
