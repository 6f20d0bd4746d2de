package dev.gryt.operator.k8s;

import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookStatus;
import dev.gryt.operator.WebhookReconciler;
import java.time.Clock;

/** Webhooks under JOSDK: a Webhook follows the Job it names. */
final class WebhookController extends GrytController<Webhook, WebhookStatus> {
  WebhookController(Clock clock) {
    super(new WebhookReconciler(), clock);
  }
}
