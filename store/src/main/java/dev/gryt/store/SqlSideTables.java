package dev.gryt.store;

import dev.gryt.crds.agent.RunReport;
import java.util.List;
import java.util.Optional;

/**
 * What a SQL database keeps beside the resources, for a store whose resources live elsewhere
 * (Kubernetes): webhook trigger keys, webhook deliveries and run logs. Unlike the {@link
 * SqlTriggerStore} and {@link SqlRunLogStore} methods of the same names, these never look for the
 * resource they belong to: the caller has checked it exists where it lives. Each method is one
 * transaction.
 */
public final class SqlSideTables {
  private final SqlTriggerStore triggers;
  private final SqlRunLogStore runLogs;

  SqlSideTables(SqlTriggerStore triggers, SqlRunLogStore runLogs) {
    this.triggers = triggers;
    this.runLogs = runLogs;
  }

  /** The Webhook's trigger key, made on first use. */
  public WebhookKey webhookKey(String namespace, String webhookName) {
    return triggers.keyWithoutWebhook(namespace, webhookName, false);
  }

  /** A new trigger key for the Webhook; the old one stops working. */
  public WebhookKey rotateWebhookKey(String namespace, String webhookName) {
    return triggers.keyWithoutWebhook(namespace, webhookName, true);
  }

  /** The Webhook a trigger key belongs to. */
  public Optional<WebhookKey> findWebhookKey(String key) {
    return triggers.findWebhookKey(key);
  }

  /** Forgets a deleted Webhook's trigger key and deliveries. */
  public void forgetWebhook(String namespace, String webhookName) {
    triggers.forgetWebhook(namespace, webhookName);
  }

  /** The delivery recorded under the sender's delivery id, if any. */
  public Optional<Delivery> findDelivery(String namespace, String webhookName, String deliveryId) {
    return triggers.findDelivery(namespace, webhookName, deliveryId);
  }

  /**
   * Records a delivery, filling its id and time.
   *
   * @return the stored record; empty when a delivery with the same delivery id was recorded first
   */
  public Optional<Delivery> insertDelivery(Delivery delivery, String payload) {
    return triggers.insertDelivery(delivery, payload);
  }

  /** Sets the run a recorded delivery created. */
  public void setDeliveryRun(String deliveryRecordId, String runId) {
    triggers.setDeliveryRun(deliveryRecordId, java.util.Objects.requireNonNull(runId));
  }

  /** Removes a recorded delivery whose run could not be created. */
  public void removeDelivery(String deliveryRecordId) {
    triggers.setDeliveryRun(deliveryRecordId, null);
  }

  public List<Delivery> deliveries(String namespace, String webhookName, int limit) {
    return triggers.deliveries(namespace, webhookName, limit);
  }

  public Optional<Delivery> delivery(String namespace, String webhookName, String recordId) {
    return triggers.delivery(namespace, webhookName, recordId);
  }

  public Optional<String> payload(String namespace, String webhookName, String recordId) {
    return triggers.payload(namespace, webhookName, recordId);
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
    runLogs.appendWithoutRun(namespace, runName, attempt, logs, max, perRun);
  }

  public List<LogChunk> runLogs(String namespace, String runName, long afterSeq, int limit) {
    return runLogs.read(namespace, runName, afterSeq, limit);
  }

  /** Forgets a deleted run's output. */
  public void forgetRunLogs(String namespace, String runName) {
    runLogs.forget(namespace, runName);
  }
}
