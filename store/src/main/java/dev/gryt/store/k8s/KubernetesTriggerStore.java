package dev.gryt.store.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.store.ConflictException;
import dev.gryt.store.Delivery;
import dev.gryt.store.Mutation;
import dev.gryt.store.ObjectRules;
import dev.gryt.store.SqlSideTables;
import dev.gryt.store.StoreException;
import dev.gryt.store.TriggerStore;
import dev.gryt.store.WebhookKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TriggerStore} of a {@link KubernetesResourceStore}: keys and deliveries in SQL, the
 * Webhooks and the runs they trigger in the cluster. Kubernetes has no transaction that spans both,
 * so {@link #recordDelivery} reserves the delivery id in SQL first (its unique key decides a race
 * of duplicates), then creates the JobRun, then records the run's id; a failed create removes the
 * reservation. A trigger key is honoured only while its Webhook exists.
 */
final class KubernetesTriggerStore implements TriggerStore {
  /** How long a duplicate delivery waits for the first one to name its run. */
  private static final Duration FIRST_DELIVERY_WAIT = Duration.ofSeconds(10);

  private final KubernetesResourceStore store;
  private final SqlSideTables side;

  KubernetesTriggerStore(KubernetesResourceStore store, SqlSideTables side) {
    this.store = store;
    this.side = side;
  }

  @Override
  public Delivery.Recorded recordDelivery(
      Delivery delivery, String payload, Optional<Mutation.Create> run) {
    Objects.requireNonNull(delivery, "delivery");
    String ns = store.namespaceOf(delivery.webhookNamespace());
    String name = KubernetesResourceStore.requireName(delivery.webhookName());
    Delivery inNamespace = delivery.of(ns, name).withRun(null);
    long deadline = System.nanoTime() + FIRST_DELIVERY_WAIT.toNanos();
    while (true) {
      Optional<Delivery.Recorded> duplicate = firstDelivery(ns, name, delivery.deliveryId());
      if (duplicate.isPresent()) {
        return duplicate.get();
      }
      requireWebhook(ns, name);
      run.ifPresent(create -> requireJob(ns, name, create.resource()));
      Optional<Delivery> reserved = side.insertDelivery(inNamespace, payload);
      if (reserved.isEmpty()) {
        // Another request with the same delivery id won; wait for it to name its run.
        if (System.nanoTime() > deadline) {
          throw new ConflictException(
              "delivery "
                  + delivery.deliveryId()
                  + " to webhook "
                  + ns
                  + "/"
                  + name
                  + " is being recorded by another request; retry");
        }
        pause();
        continue;
      }
      Delivery recorded = reserved.get();
      if (run.isEmpty()) {
        return new Delivery.Recorded(recorded, false);
      }
      GrytResource<?, ?> created;
      try {
        created = store.create(run.get().resource());
      } catch (RuntimeException e) {
        side.removeDelivery(recorded.id());
        throw e;
      }
      side.setDeliveryRun(recorded.id(), created.id());
      return new Delivery.Recorded(recorded.withRun(created.id()), false);
    }
  }

  private void requireJob(String ns, String webhook, GrytResource<?, ?> run) {
    String job = ObjectRules.jobOf(run);
    ObjectRules.requireJob(ns, webhook, job, store.exists(ResourceKind.JOB, ns, job));
  }

  /** The first record of a delivery id, once it is complete (a triggered one names its run). */
  private Optional<Delivery.Recorded> firstDelivery(String ns, String name, String deliveryId) {
    if (deliveryId == null) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + FIRST_DELIVERY_WAIT.toNanos();
    while (true) {
      Optional<Delivery> first = side.findDelivery(ns, name, deliveryId);
      if (first.isEmpty()) {
        return Optional.empty();
      }
      Delivery d = first.get();
      if (d.runId() != null
          || !Delivery.TRIGGERED.equals(d.status())
          || System.nanoTime() > deadline) {
        return Optional.of(new Delivery.Recorded(d, true));
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a concurrent delivery");
    }
  }

  private void requireWebhook(String ns, String name) {
    ObjectRules.requireWebhook(ns, name, store.exists(ResourceKind.WEBHOOK, ns, name));
  }

  @Override
  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    return side.deliveries(store.namespaceOf(namespace), webhookName, limit);
  }

  @Override
  public Optional<Delivery> delivery(String namespace, String webhookName, String recordId) {
    return side.delivery(store.namespaceOf(namespace), webhookName, recordId);
  }

  @Override
  public Optional<String> payload(String namespace, String webhookName, String recordId) {
    return side.payload(store.namespaceOf(namespace), webhookName, recordId);
  }

  @Override
  public WebhookKey webhookKey(String namespace, String webhookName) {
    String ns = store.namespaceOf(namespace);
    requireWebhook(ns, webhookName);
    return side.webhookKey(ns, webhookName);
  }

  @Override
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    String ns = store.namespaceOf(namespace);
    requireWebhook(ns, webhookName);
    return side.rotateWebhookKey(ns, webhookName);
  }

  @Override
  public Optional<WebhookKey> findWebhookKey(String key) {
    // A Webhook deleted while no store watched keeps its key row; it still belongs to nobody.
    return side.findWebhookKey(key)
        .filter(k -> store.exists(ResourceKind.WEBHOOK, k.namespace(), k.name()));
  }

  @Override
  public Optional<Webhook> webhookByKey(String key) {
    return findWebhookKey(key).flatMap(k -> store.get(Webhook.class, k.namespace(), k.name()));
  }
}
