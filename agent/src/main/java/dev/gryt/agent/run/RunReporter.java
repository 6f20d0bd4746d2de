package dev.gryt.agent.run;

import dev.gryt.crds.agent.RunReport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one run's reports from its own thread: at least every {@code heartbeat} (that keeps the
 * server's lease), within {@code batch} of a state change or new output, and a final one, retried.
 * Output that could not be delivered stays queued for the next report. When the server refuses a
 * report with 409 (a newer attempt owns the run) or 410 (the run is cancelled or gone), the run is
 * stopped through {@code onRefused} and nothing more is sent.
 *
 * <p>A report carries at most {@link #MAX_REPORT_LOG_CHARS} of output, so that it stays under the
 * server's request limit however fast a step writes: a backlog goes in the reports that follow at
 * once, and the run's final phase only in the report that carries its last output.
 */
final class RunReporter {
  private static final Logger LOG = LoggerFactory.getLogger(RunReporter.class);
  private static final int FINAL_ATTEMPTS = 5;

  /**
   * The output one report carries: even at six bytes per character (JSON escapes) it stays under
   * the server's 4 MiB request limit.
   */
  static final int MAX_REPORT_LOG_CHARS = 512 * 1024;

  private final ReportClient client;
  private final String url;
  private final String token;
  private final Supplier<RunReport> state;
  private final Runnable onRefused;
  private final Duration heartbeat;
  private final Duration batch;
  private final Object lock = new Object();
  private final List<RunReport.LogText> pending = new ArrayList<>();
  private boolean dirty = true;
  private boolean backlog;
  private boolean finishing;
  private volatile boolean refused;
  private Thread thread;

  RunReporter(
      ReportClient client,
      String url,
      String token,
      Supplier<RunReport> state,
      Runnable onRefused,
      Duration heartbeat,
      Duration batch) {
    this.client = client;
    this.url = url;
    this.token = token;
    this.state = state;
    this.onRefused = onRefused;
    this.heartbeat = heartbeat;
    this.batch = batch;
  }

  void start(String runId) {
    thread = new Thread(this::loop, "gryt-report-" + runId);
    thread.setDaemon(true);
    thread.start();
  }

  /** The run's state changed: report soon. */
  void changed() {
    synchronized (lock) {
      dirty = true;
      lock.notifyAll();
    }
  }

  /** One output line of {@code step}. */
  void log(String step, String line) {
    synchronized (lock) {
      RunReport.LogText last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
      if (last != null && last.step().equals(step)) {
        pending.set(pending.size() - 1, new RunReport.LogText(step, last.text() + line + "\n"));
      } else {
        pending.add(new RunReport.LogText(step, line + "\n"));
      }
      dirty = true;
      lock.notifyAll();
    }
  }

  boolean refused() {
    return refused;
  }

  /** Stops reporting without a final report: the run is no longer this agent's to report. */
  void abandon() {
    synchronized (lock) {
      refused = true;
      lock.notifyAll();
    }
  }

  /**
   * Stops the periodic reports and sends the final one (its phase must be final), retrying
   * transient failures a few times. Returns whether the server took it.
   */
  boolean finish() throws InterruptedException {
    synchronized (lock) {
      finishing = true;
      lock.notifyAll();
    }
    if (thread != null) {
      thread.join();
    }
    long backoff = 250;
    int failures = 0;
    while (!refused) {
      if (send(true)) {
        synchronized (lock) {
          if (!backlog) {
            return true;
          }
        }
        failures = 0;
        backoff = 250;
        continue;
      }
      if (refused || ++failures >= FINAL_ATTEMPTS) {
        return false;
      }
      Thread.sleep(backoff);
      backoff *= 2;
    }
    return false;
  }

  private void loop() {
    // the first report says at once that the run started here
    send(false);
    long lastSent = System.nanoTime();
    while (!refused) {
      synchronized (lock) {
        try {
          while (!finishing && !dirty && !refused) {
            long waitMs = heartbeat.toMillis() - (System.nanoTime() - lastSent) / 1_000_000;
            if (waitMs <= 0) {
              break;
            }
            lock.wait(waitMs);
          }
        } catch (InterruptedException e) {
          return;
        }
        if (finishing || refused) {
          return;
        }
      }
      // a change: give more output a moment to come, then send it all in one report (a backlog
      // goes at once)
      boolean behind;
      synchronized (lock) {
        behind = backlog;
      }
      if (!behind) {
        try {
          Thread.sleep(batch.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
      boolean delivered = send(false);
      lastSent = System.nanoTime();
      if (!delivered && !refused) {
        try {
          Thread.sleep(Math.min(1000, heartbeat.toMillis()));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Sends the current state with the queued output; true when the server took it. Only {@link
   * #finish} sends a final phase: the run ending between a change and its report must not make two
   * final reports.
   */
  private boolean send(boolean finalReport) {
    List<RunReport.LogText> logs;
    RunReport report;
    synchronized (lock) {
      if (refused || (!finalReport && state.get().phase().terminal())) {
        return !refused;
      }
      logs = takeLogs();
      backlog = !pending.isEmpty();
      dirty = backlog;
      report = state.get().withLogs(logs);
      if (backlog && report.phase().terminal()) {
        // Not the last of the output: the final phase waits for the report that carries it.
        report =
            new RunReport(
                report.runId(),
                report.attempt(),
                dev.gryt.crds.JobRunPhase.RUNNING,
                report.commit(),
                null,
                report.steps(),
                logs);
      }
    }
    try {
      int status = client.post(url, token, report);
      if (status >= 200 && status < 300) {
        return true;
      }
      if (status == 409 || status == 410) {
        LOG.info(
            "server refused the report of run {} attempt {} ({}): stopping it",
            report.runId(),
            report.attempt(),
            status);
        refused = true;
        onRefused.run();
        return false;
      }
      LOG.warn("report of run {} answered HTTP {}", report.runId(), status);
    } catch (IOException e) {
      LOG.warn("report of run {} not delivered: {}", report.runId(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      // keep the output for the next report, before anything logged meanwhile
      pending.addAll(0, logs);
      dirty = dirty || !logs.isEmpty();
      backlog = false;
    }
    return false;
  }

  /**
   * Takes the queued output for one report, at most {@link #MAX_REPORT_LOG_CHARS}: a longer text is
   * split after its last line that fits (or at the limit, for one longer line).
   */
  private List<RunReport.LogText> takeLogs() {
    List<RunReport.LogText> taken = new ArrayList<>();
    int room = MAX_REPORT_LOG_CHARS;
    while (!pending.isEmpty() && room > 0) {
      RunReport.LogText next = pending.get(0);
      if (next.text().length() <= room) {
        taken.add(pending.remove(0));
        room -= next.text().length();
        continue;
      }
      int cut = next.text().lastIndexOf('\n', room - 1) + 1;
      if (cut == 0) {
        if (!taken.isEmpty()) {
          break;
        }
        cut = room;
      }
      taken.add(new RunReport.LogText(next.step(), next.text().substring(0, cut)));
      pending.set(0, new RunReport.LogText(next.step(), next.text().substring(cut)));
      break;
    }
    return taken;
  }
}
