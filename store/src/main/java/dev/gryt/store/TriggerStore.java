package dev.gryt.store;

import dev.gryt.crds.Webhook;
import java.util.List;
import java.util.Optional;

/**
 * What a Webhook's trigger URL ({@code /api/v1/webhooks/run/<key>}) needs besides the Webhook
 * itself: its secret key and the deliveries received on it. A {@link ResourceStore} gives its own
 * ({@link ResourceStore#triggers()}), sharing its transactions: a delivery and the run it triggers
 * are written together.
 *
 * <p>Deleting a Webhook through the resource store forgets its key and its deliveries (in the same
 * transaction where the store has one).
 */
public interface TriggerStore {
  /**
   * Records a delivery to a Webhook and, in the same transaction, creates the run it triggers: both
   * or neither. A delivery whose {@link Delivery#deliveryId()} was already recorded for the same
   * Webhook writes nothing and returns the first record (its run id included), also when two arrive
   * at once.
   *
   * @param run the JobRun to create; empty for a delivery the Webhook's filters skipped
   * @throws NotFoundException when the Webhook does not exist
   * @throws ConflictException when the run's Job does not exist (nothing is recorded)
   */
  default Delivery.Recorded recordDelivery(Delivery delivery, Optional<Mutation.Create> run) {
    return recordDelivery(delivery, null, run);
  }

  /**
   * {@link #recordDelivery(Delivery, Optional)}, keeping {@code payload} with the record for as
   * long as it is kept. The caller caps it ({@link #MAX_PAYLOAD_CHARS}).
   *
   * @param payload the body to keep (JSON text); null for none
   */
  Delivery.Recorded recordDelivery(
      Delivery delivery, String payload, Optional<Mutation.Create> run);

  /** The most of a delivery's payload a store keeps, in characters. */
  int MAX_PAYLOAD_CHARS = 256 * 1024;

  /** The deliveries recorded for a Webhook, newest first, at most {@code limit}. */
  List<Delivery> deliveries(String namespace, String webhookName, int limit);

  /** One delivery recorded for a Webhook, by its record id ({@code dlv-…}). */
  Optional<Delivery> delivery(String namespace, String webhookName, String recordId);

  /** The payload kept with a delivery of a Webhook; empty when none was (or no such delivery). */
  Optional<String> payload(String namespace, String webhookName, String recordId);

  /**
   * The trigger key of a Webhook, made on first use.
   *
   * @throws NotFoundException when there is no such Webhook
   */
  WebhookKey webhookKey(String namespace, String webhookName);

  /**
   * Replaces a Webhook's trigger key with a new one; the old key stops working at once.
   *
   * @throws NotFoundException when there is no such Webhook
   */
  WebhookKey rotateWebhookKey(String namespace, String webhookName);

  /** The Webhook a trigger key belongs to. A deleted Webhook's key belongs to nobody. */
  Optional<WebhookKey> findWebhookKey(String key);

  /** {@link #findWebhookKey} and the Webhook itself; a store may read both at once. */
  Optional<Webhook> webhookByKey(String key);
}
