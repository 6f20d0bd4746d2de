package dev.gryt.operator.k8s;

import dev.gryt.crds.Job;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookStatus;
import dev.gryt.operator.WebhookReconciler;
import java.time.Clock;
import java.util.List;

/** Webhooks under JOSDK: a Webhook reads the Job it names, and follows it. */
final class WebhookController extends GrytController<Webhook, WebhookStatus> {
  WebhookController(Clock clock) {
    super(
        new WebhookReconciler(),
        clock,
        List.of(Reference.byName(Job.class, (Webhook webhook) -> webhook.getSpec().jobName)));
  }
}
