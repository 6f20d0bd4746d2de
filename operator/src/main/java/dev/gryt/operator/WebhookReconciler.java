package dev.gryt.operator;

import dev.gryt.crds.Condition;
import dev.gryt.crds.Job;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookReason;
import dev.gryt.crds.WebhookStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A Webhook is Ready when its Job exists and is Ready.
 *
 * <p>{@code status.url} is the trigger URL's template, never the URL itself: the key in it is the
 * credential, and status is listed and watched by every reader. The key lives in the store's own
 * table and is shown by {@code GET /api/v1/webhooks/{id}} ({@code data.url}).
 */
public final class WebhookReconciler implements Reconciler<Webhook, WebhookStatus> {
  /** What {@code status.url} says: where deliveries go, with the key left out. */
  public static final String URL_TEMPLATE = "/api/v1/webhooks/run/{key}";

  /** The Job a Webhook names. */
  @Override
  public List<Reference<Webhook, ?>> references() {
    return List.of(
        Reference.byName(Webhook.class, Job.class, webhook -> webhook.getSpec().jobName));
  }

  @Override
  public Outcome<WebhookStatus> reconcile(Webhook webhook, Lookup lookup, Instant now) {
    String ns = webhook.getMetadata().getNamespace();
    WebhookStatus status = new WebhookStatus();
    status.observedGeneration = webhook.getMetadata().getGeneration();
    status.url = URL_TEMPLATE;
    Conditions conditions = Conditions.of(webhook, now);
    String jobName = webhook.getSpec().jobName;
    Optional<Job> job = lookup.get(Job.class, ns, jobName);
    if (job.isEmpty()) {
      conditions.set(
          Condition.READY, false, WebhookReason.JOB_NOT_FOUND, "job " + jobName + " not found");
    } else if (!JobReconciler.ready(job.get())) {
      conditions.set(
          Condition.READY, false, WebhookReason.JOB_NOT_READY, "job " + jobName + " is not ready");
    } else {
      conditions.set(Condition.READY, true, WebhookReason.RESOLVED, "job is ready");
    }
    status.conditions = conditions.build();
    return Outcome.of(status);
  }
}
