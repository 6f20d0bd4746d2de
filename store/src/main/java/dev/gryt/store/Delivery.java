package dev.gryt.store;

import java.time.Instant;

/**
 * One request received on a Webhook's trigger URL, as recorded by {@link
 * TriggerStore#recordDelivery}. Its payload is kept beside it ({@link TriggerStore#payload}), not
 * in this record, so that lists stay small.
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
 * @param details what else was read from the request; {@link Details#NONE} for a delivery recorded
 *     before they were kept
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
    String runId,
    Details details) {
  public static final String TRIGGERED = "triggered";
  public static final String SKIPPED = "skipped";

  public Delivery {
    details = details == null ? Details.NONE : details;
  }

  /**
   * What a delivery's request said besides its event.
   *
   * @param branch the branch it is about (a push's, a pull request's base); null when none
   * @param sha the commit it names; null when none
   * @param signatureChecked whether its {@code X-Hub-Signature-256} was verified (its Webhook has a
   *     secret); null when not known (recorded before this was kept)
   * @param payloadBytes the size of the body as received
   * @param payloadTruncated whether the kept payload is a digest of the body (which was over the
   *     cap), not the body itself
   * @param redeliveryOf the record id of the delivery this one replays; null for one received
   */
  public record Details(
      String branch,
      String sha,
      Boolean signatureChecked,
      long payloadBytes,
      boolean payloadTruncated,
      String redeliveryOf) {
    public static final Details NONE = new Details(null, null, null, 0, false, null);
  }

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
        runId,
        details);
  }

  /** The same delivery with {@code details}. */
  public Delivery with(Details details) {
    return new Delivery(
        id,
        webhookNamespace,
        webhookName,
        event,
        deliveryId,
        receivedAt,
        status,
        reason,
        runId,
        details);
  }

  /** The same delivery of the Webhook {@code namespace}/{@code name}. */
  public Delivery of(String namespace, String name) {
    return new Delivery(
        id, namespace, name, event, deliveryId, receivedAt, status, reason, runId, details);
  }

  /** The same delivery, recorded with {@code recordId} at {@code at}. */
  public Delivery recorded(String recordId, Instant at) {
    return new Delivery(
        recordId,
        webhookNamespace,
        webhookName,
        event,
        deliveryId,
        at,
        status,
        reason,
        runId,
        details);
  }

  /** The same delivery, having started {@code runId}. */
  public Delivery withRun(String run) {
    return new Delivery(
        id,
        webhookNamespace,
        webhookName,
        event,
        deliveryId,
        receivedAt,
        status,
        reason,
        run,
        details);
  }

  /** A delivery that creates a run, before it is recorded. */
  public static Delivery triggered(
      String webhookNamespace, String webhookName, String event, String deliveryId) {
    return new Delivery(
        null, webhookNamespace, webhookName, event, deliveryId, null, TRIGGERED, null, null, null);
  }

  /** A delivery that the Webhook's filters turned away, before it is recorded. */
  public static Delivery skipped(
      String webhookNamespace, String webhookName, String event, String deliveryId, String why) {
    return new Delivery(
        null, webhookNamespace, webhookName, event, deliveryId, null, SKIPPED, why, null, null);
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
