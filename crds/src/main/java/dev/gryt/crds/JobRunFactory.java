package dev.gryt.crds;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.security.SecureRandom;

/**
 * New JobRuns as a trigger starts them: a name unique to the run (the Job's name and a random
 * suffix), the Job it runs and what started it. The caller fills in the ref and commit it knows;
 * the store assigns the id.
 */
public final class JobRunFactory {
  /** Started by someone through the API ({@code gryt run}, {@code POST .../jobs/{ref}/run}). */
  public static final String MANUAL = "manual";

  /** Started by a Webhook's delivery. */
  public static final String WEBHOOK = "webhook";

  /** Started as a retry of an earlier run. */
  public static final String RETRY = "retry";

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Room left in a 63-character name for the dash and the suffix. */
  private static final int MAX_PREFIX = 50;

  private JobRunFactory() {}

  /** The event of a run started through the API, or of a webhook triggered by hand. */
  public static final String MANUAL_EVENT = "manual";

  private static final String BRANCH_PREFIX = "refs/heads/";

  /**
   * A run of {@code jobName} in {@code namespace}, started through the API by {@code by}; its event
   * is {@value #MANUAL_EVENT}.
   */
  public static JobRun manual(String namespace, String jobName, RunOrigin by) {
    JobRun run = newRun(namespace, jobName, MANUAL, null);
    run.getSpec().event = MANUAL_EVENT;
    run.getSpec().startedBy = by;
    return run;
  }

  /**
   * A run of {@code jobName} in {@code namespace}, started by a Webhook's delivery of {@code event}
   * ({@code push}, {@code pull_request}, {@code manual}) at {@code ref} and {@code sha}.
   */
  public static JobRun webhook(
      String namespace, String jobName, String event, String ref, String sha, RunOrigin by) {
    JobRun run = newRun(namespace, jobName, WEBHOOK, null);
    run.getSpec().event = event;
    run.getSpec().ref = ref;
    run.getSpec().sha = sha;
    run.getSpec().branch = branchOf(ref);
    run.getSpec().startedBy = by;
    return run;
  }

  /**
   * A new run of the same Job, ref, commit and branch as {@code old}, which it names as retried,
   * keeping its event; {@code by} retried it.
   */
  public static JobRun retryOf(JobRun old, RunOrigin by) {
    JobRun run = newRun(old.getMetadata().getNamespace(), old.getSpec().jobName, RETRY, old.id());
    run.getSpec().ref = old.getSpec().ref;
    run.getSpec().sha = old.getSpec().sha;
    run.getSpec().branch = old.getSpec().branch;
    run.getSpec().event = old.getSpec().event;
    run.getSpec().startedBy = by;
    return run;
  }

  /**
   * Gives a JobRun sent in a manifest the provenance the server decides: a new one is a manual run
   * started by {@code by} (whatever the manifest claims), an existing one keeps what is stored.
   *
   * @param stored the run as stored; null when the manifest creates it
   */
  public static void stampApplied(JobRun applied, JobRun stored, RunOrigin by) {
    JobRunSpec spec = applied.getSpec();
    if (spec == null) {
      return;
    }
    if (stored != null && stored.getSpec() != null) {
      JobRunSpec was = stored.getSpec();
      spec.trigger = was.trigger;
      spec.event = was.event;
      spec.branch = was.branch;
      spec.startedBy = was.startedBy;
      spec.retryOf = was.retryOf;
      return;
    }
    spec.trigger = MANUAL;
    spec.event = MANUAL_EVENT;
    spec.branch = branchOf(spec.ref);
    spec.startedBy = by;
    spec.retryOf = null;
  }

  /**
   * The branch a ref names: {@code refs/heads/X} and a bare name are branch {@code X}; a tag or
   * another full ref is none (null).
   */
  public static String branchOf(String ref) {
    if (ref == null || ref.isBlank()) {
      return null;
    }
    String r = ref.strip();
    if (r.startsWith(BRANCH_PREFIX)) {
      return r.substring(BRANCH_PREFIX.length());
    }
    return r.startsWith("refs/") ? null : r;
  }

  private static JobRun newRun(String namespace, String jobName, String trigger, String retryOf) {
    JobRun run = new JobRun();
    String prefix = jobName.length() > MAX_PREFIX ? jobName.substring(0, MAX_PREFIX) : jobName;
    run.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(prefix + "-" + suffix()).build());
    JobRunSpec spec = new JobRunSpec();
    spec.jobName = jobName;
    spec.trigger = trigger;
    spec.retryOf = retryOf;
    run.setSpec(spec);
    return run;
  }

  private static String suffix() {
    StringBuilder sb = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
