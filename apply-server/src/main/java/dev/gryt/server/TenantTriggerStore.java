package dev.gryt.server;

import dev.gryt.crds.Webhook;
import dev.gryt.store.Delivery;
import dev.gryt.store.Mutation;
import dev.gryt.store.TriggerStore;
import dev.gryt.store.WebhookKey;
import java.util.List;
import java.util.Optional;

/**
 * One account's view of the shared {@link TriggerStore}, as {@link TenantStore} is of the
 * resources: namespaces prefixed on the way in and stripped on the way out, another account's keys
 * found by nobody.
 */
final class TenantTriggerStore implements TriggerStore {
  private final TriggerStore triggers;
  private final TenantStore view;

  TenantTriggerStore(TriggerStore triggers, TenantStore view) {
    this.triggers = triggers;
    this.view = view;
  }

  @Override
  public Delivery.Recorded recordDelivery(
      Delivery delivery, String payload, Optional<Mutation.Create> run) {
    throw new UnsupportedOperationException("deliveries are recorded by the public trigger only");
  }

  @Override
  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    return triggers.deliveries(view.in(namespace), webhookName, limit).stream()
        .map(this::out)
        .toList();
  }

  @Override
  public Optional<Delivery> delivery(String namespace, String webhookName, String recordId) {
    return triggers.delivery(view.in(namespace), webhookName, recordId).map(this::out);
  }

  @Override
  public Optional<String> payload(String namespace, String webhookName, String recordId) {
    return triggers.payload(view.in(namespace), webhookName, recordId);
  }

  private Delivery out(Delivery d) {
    return d.of(view.out(d.webhookNamespace()), d.webhookName());
  }

  @Override
  public WebhookKey webhookKey(String namespace, String webhookName) {
    return out(triggers.webhookKey(view.in(namespace), webhookName));
  }

  @Override
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    return out(triggers.rotateWebhookKey(view.in(namespace), webhookName));
  }

  @Override
  public Optional<WebhookKey> findWebhookKey(String key) {
    return triggers.findWebhookKey(key).filter(k -> view.owns(k.namespace())).map(this::out);
  }

  @Override
  public Optional<Webhook> webhookByKey(String key) {
    return findWebhookKey(key).flatMap(k -> view.get(Webhook.class, k.namespace(), k.name()));
  }

  private WebhookKey out(WebhookKey k) {
    return new WebhookKey(view.out(k.namespace()), k.name(), k.key());
  }
}
