package dev.gryt.store;

import dev.gryt.crds.agent.RunReport;
import java.util.List;
import java.util.Optional;

/**
 * What a SQL database keeps beside the resources, for a store whose resources live elsewhere
 * (Kubernetes): webhook trigger keys, webhook deliveries and run logs. Unlike the {@link
 * SqlResourceStore} methods of the same names, these never look for the resource they belong to:
 * the caller has checked it exists where it lives. Each method is one transaction.
 */
public final class SqlSideTables {
  private final SqlResourceStore store;

  SqlSideTables(SqlResourceStore store) {
    this.store = store;
  }

  /** The Webhook's trigger key, made on first use. */
  public WebhookKey webhookKey(String namespace, String webhookName) {
    return store.sideWebhookKey(namespace, webhookName, false);
  }

  /** A new trigger key for the Webhook; the old one stops working. */
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    return store.sideWebhookKey(namespace, webhookName, true);
  }

  /** The Webhook a trigger key belongs to. */
  public Optional<WebhookKey> findWebhookKey(String key) {
    return store.findWebhookKey(key);
  }

  /** Forgets a deleted Webhook's trigger key and deliveries. */
  public void forgetWebhook(String namespace, String webhookName) {
    store.sideForgetWebhook(namespace, webhookName);
  }

  /** The delivery recorded under the sender's delivery id, if any. */
  public Optional<Delivery> findDelivery(String namespace, String webhookName, String deliveryId) {
    return store.sideFindDelivery(namespace, webhookName, deliveryId);
  }

  /**
   * Records a delivery, filling its id and time.
   *
   * @return the stored record; empty when a delivery with the same delivery id was recorded first
   */
  public Optional<Delivery> insertDelivery(Delivery delivery) {
    return store.sideInsertDelivery(delivery);
  }

  /** Sets the run a recorded delivery created. */
  public void setDeliveryRun(String deliveryRecordId, String runId) {
    store.sideSetDeliveryRun(deliveryRecordId, java.util.Objects.requireNonNull(runId));
  }

  /** Removes a recorded delivery whose run could not be created. */
  public void removeDelivery(String deliveryRecordId) {
    store.sideSetDeliveryRun(deliveryRecordId, null);
  }

  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    return store.deliveries(namespace, webhookName, limit);
  }

  /**
   * Appends a run's output, each step capped at {@code max} characters, the run at {@code perRun}.
   */
  public void appendRunLogs(
      String namespace,
      String runName,
      int attempt,
      List<RunReport.LogText> logs,
      int max,
      long perRun) {
    store.sideAppendLogs(namespace, runName, attempt, logs, max, perRun);
  }

  public List<LogChunk> runLogs(String namespace, String runName, long afterSeq, int limit) {
    return store.runLogs(namespace, runName, afterSeq, limit);
  }

  /** Forgets a deleted run's output. */
  public void forgetRunLogs(String namespace, String runName) {
    store.sideForgetRunLogs(namespace, runName);
  }
}
