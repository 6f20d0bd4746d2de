package dev.gryt.store;

import java.time.Instant;

/**
 * One request received on a Webhook's trigger URL, as recorded by {@link
 * TriggerStore#recordDelivery}.
 *
 * @param id the id of the record ({@code dlv-…}): the caller's ({@link #newId()}, so that the run
 *     it starts can name it) or, when null, one the store makes
 * @param webhookNamespace namespace of the Webhook that received it
 * @param webhookName name of the Webhook that received it
 * @param event {@code push}, {@code pull_request} or {@code manual}
 * @param deliveryId the sender's delivery id ({@code X-GitHub-Delivery}); null when none was given.
 *     A second delivery with the same id to the same Webhook is a duplicate.
 * @param receivedAt when it was recorded; null before (the store fills it from its clock)
 * @param status {@link #TRIGGERED} or {@link #SKIPPED}
 * @param reason why it was skipped; null when it triggered a run
 * @param runId the typed id of the JobRun it created; null when skipped or before it is recorded
 */
public record Delivery(
    String id,
    String webhookNamespace,
    String webhookName,
    String event,
    String deliveryId,
    Instant receivedAt,
    String status,
    String reason,
    String runId) {
  public static final String TRIGGERED = "triggered";
  public static final String SKIPPED = "skipped";

  /** A new delivery record id ({@code dlv-…}). */
  public static String newId() {
    return ObjectRules.newId("dlv-");
  }

  /** The same delivery with record id {@code recordId}. */
  public Delivery withId(String recordId) {
    return new Delivery(
        recordId,
        webhookNamespace,
        webhookName,
        event,
        deliveryId,
        receivedAt,
        status,
        reason,
        runId);
  }

  /** A delivery that creates a run, before it is recorded. */
  public static Delivery triggered(
      String webhookNamespace, String webhookName, String event, String deliveryId) {
    return new Delivery(
        null, webhookNamespace, webhookName, event, deliveryId, null, TRIGGERED, null, null);
  }

  /** A delivery that the Webhook's filters turned away, before it is recorded. */
  public static Delivery skipped(
      String webhookNamespace, String webhookName, String event, String deliveryId, String why) {
    return new Delivery(
        null, webhookNamespace, webhookName, event, deliveryId, null, SKIPPED, why, null);
  }

  /**
   * What {@link TriggerStore#recordDelivery} did.
   *
   * @param delivery the delivery as stored (for a duplicate: the first one, with its run id)
   * @param duplicate whether a delivery with the same id had been recorded before, in which case
   *     nothing was written
   */
  public record Recorded(Delivery delivery, boolean duplicate) {}
}
