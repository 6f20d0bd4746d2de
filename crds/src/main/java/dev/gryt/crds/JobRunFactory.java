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

  /** A run of {@code jobName} in {@code namespace}, started through the API. */
  public static JobRun manual(String namespace, String jobName) {
    return newRun(namespace, jobName, MANUAL, null);
  }

  /** A run of {@code jobName} in {@code namespace}, started by a Webhook's delivery. */
  public static JobRun webhook(String namespace, String jobName) {
    return newRun(namespace, jobName, WEBHOOK, null);
  }

  /** A new run of the same Job, ref and commit as {@code old}, which it names as retried. */
  public static JobRun retryOf(JobRun old) {
    JobRun run = newRun(old.getMetadata().getNamespace(), old.getSpec().jobName, RETRY, old.id());
    run.getSpec().ref = old.getSpec().ref;
    run.getSpec().sha = old.getSpec().sha;
    return run;
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
