package dev.gryt.dashboard;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One run as the pages show it: phase, trigger, commit and branch, queue time and duration. */
public record RunRow(
    String id,
    String name,
    String namespace,
    String job,
    String phase,
    String trigger,
    String commit,
    String branch,
    String created,
    String queued,
    String duration,
    boolean finished,
    boolean cancelRequested,
    String retryOf,
    String event,
    String startedBy) {

  static RunRow of(JobRun run, Instant now) {
    var status = run.getStatus();
    String phase = run.phase();
    String commit = status != null && status.commit != null ? status.commit : run.getSpec().sha;
    Instant created = instant(run.getMetadata().getCreationTimestamp());
    Instant started = status == null ? null : instant(status.startedAt);
    Instant finishedAt = status == null ? null : instant(status.finishedAt);
    boolean finished = JobRunPhase.terminal(phase);
    String queued =
        created == null
            ? ""
            : span(created, started != null ? started : finished ? finishedAt : now);
    String duration = started == null ? "" : span(started, finishedAt != null ? finishedAt : now);
    return new RunRow(
        run.id(),
        run.getMetadata().getName(),
        run.getMetadata().getNamespace(),
        run.getSpec().jobName,
        phase,
        run.getSpec().trigger == null ? "manual" : run.getSpec().trigger,
        commit == null ? "" : commit,
        branchOf(run),
        run.getMetadata().getCreationTimestamp() == null
            ? ""
            : run.getMetadata().getCreationTimestamp(),
        queued,
        duration,
        finished,
        Boolean.TRUE.equals(run.getSpec().cancelRequested),
        run.getSpec().retryOf,
        run.getSpec().event == null ? "" : run.getSpec().event,
        run.getSpec().startedBy == null ? "" : run.getSpec().startedBy.describe());
  }

  /** The branch the run is about ({@link JobRun#branch()}); empty for none. */
  static String branchOf(JobRun run) {
    String branch = run.branch();
    return branch == null ? "" : branch;
  }

  /** The first 12 digits of the commit, as people read it. */
  public String shortCommit() {
    return commit.length() > 12 ? commit.substring(0, 12) : commit;
  }

  /** The CSS class of the phase's colour; the phase's name is always shown as text too. */
  public String phaseClass() {
    return "phase phase-" + phase.toLowerCase(java.util.Locale.ROOT);
  }

  public boolean cancellable() {
    return !finished && !cancelRequested;
  }

  static Instant instant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String span(Instant from, Instant to) {
    if (from == null || to == null) {
      return "";
    }
    long s = Math.max(0, Duration.between(from, to).toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    return s / 3600 + "h " + s % 3600 / 60 + "m";
  }
}
