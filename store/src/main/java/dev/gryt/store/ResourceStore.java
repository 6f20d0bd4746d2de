package dev.gryt.store;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.agent.RunReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where resources live. Every write gets the next value of one global, strictly increasing
 * resourceVersion and lands in an event log that {@link #events} and {@link #watch} read.
 *
 * <p>Objects passed in are never mutated and objects returned are never shared: callers may change
 * what they get back.
 *
 * <p>Rules every implementation keeps (the contract tests check them):
 *
 * <ul>
 *   <li>create fills {@code metadata.uid}, the typed id label {@link GrytResource#ID_LABEL}, {@code
 *       resourceVersion}, {@code generation = 1}, {@code creationTimestamp}, and {@code namespace =
 *       "default"} when absent; it ignores any status given.
 *   <li>update needs the stored {@code resourceVersion} (else {@link ConflictException}); it
 *       replaces spec, labels and annotations, keeps status, uid, id and creationTimestamp, and
 *       bumps {@code generation} only when the spec changed.
 *   <li>updateStatus needs the stored {@code resourceVersion}; it replaces status only and never
 *       moves {@code generation}.
 *   <li>{@link #commit} applies all its mutations or none.
 *   <li>deleting a Webhook forgets its trigger key and its deliveries in the same transaction;
 *       deleting a JobRun forgets its logs.
 * </ul>
 */
public interface ResourceStore extends AutoCloseable {
  String DEFAULT_NAMESPACE = "default";

  <R extends GrytResource<?, ?>> Optional<R> get(Class<R> type, String namespace, String name);

  /** Finds a resource of any kind by its typed id ({@code pipe-…}). */
  Optional<GrytResource<?, ?>> getById(String id);

  /**
   * Lists resources of one kind, ordered by namespace and name.
   *
   * @param namespace null for every namespace
   * @param labelSelector equality match on every entry; empty for all
   */
  <R extends GrytResource<?, ?>> List<R> list(
      Class<R> type, String namespace, Map<String, String> labelSelector);

  <R extends GrytResource<?, ?>> R create(R resource);

  <R extends GrytResource<?, ?>> R update(R resource);

  <R extends GrytResource<?, ?>> R updateStatus(R resource);

  /**
   * Deletes a resource.
   *
   * @param expectedResourceVersion null to delete whatever version is stored
   * @throws NotFoundException when there is none
   */
  void delete(ResourceKind kind, String namespace, String name, String expectedResourceVersion);

  /**
   * Applies every mutation in one transaction, in order: all or nothing.
   *
   * @return the stored result of each mutation, in order (null for a delete)
   */
  List<GrytResource<?, ?>> commit(List<Mutation> mutations);

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
  Delivery.Recorded recordDelivery(Delivery delivery, Optional<Mutation.Create> run);

  /** The deliveries recorded for a Webhook, newest first, at most {@code limit}. */
  List<Delivery> deliveries(String namespace, String webhookName, int limit);

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
  default Optional<Webhook> webhookByKey(String key) {
    return findWebhookKey(key).flatMap(k -> get(Webhook.class, k.namespace(), k.name()));
  }

  /**
   * The newest {@code limit} changes of one object still in the event log, newest first: what
   * {@code describe} shows as its recent events.
   */
  List<WatchEvent> history(ResourceKind kind, String namespace, String name, int limit);

  /**
   * Writes a run's status as {@link #updateStatus} does (fenced by its resourceVersion) and, in the
   * same transaction, appends its agent's output. Each step keeps at most {@code maxCharsPerStep}
   * characters and the run at most {@code maxCharsPerRun} (its owner's quota): what goes beyond is
   * dropped behind one truncation marker.
   */
  JobRun reportRun(
      JobRun run,
      int attempt,
      List<RunReport.LogText> logs,
      int maxCharsPerStep,
      long maxCharsPerRun);

  /**
   * A run's output after {@code afterSeq}, oldest first, at most {@code limit} chunks. A deleted
   * run's output is gone with it.
   */
  List<LogChunk> runLogs(String namespace, String runName, long afterSeq, int limit);

  /** Accounts and API keys kept beside the resources. */
  AccountStore accounts();

  /** The generations and evolutions kept next to the resources. */
  ReleaseStore releases();

  /** The highest resourceVersion written so far (0 for an empty store). */
  long resourceVersion();

  /**
   * Events with a resourceVersion greater than {@code afterResourceVersion}, oldest first.
   *
   * @throws GoneException when that version has been compacted out of the event log
   */
  List<WatchEvent> events(long afterResourceVersion, int limit);

  /**
   * Delivers every event after {@code afterResourceVersion}, then each new one, in order, on a
   * thread of the store's until the watch is closed. When the version is gone the listener gets
   * nothing and {@link Watch#failure()} says so.
   */
  Watch watch(long afterResourceVersion, Consumer<WatchEvent> listener);

  /**
   * A lock electing one leader among the processes that share this store (see {@link LeaderLock}).
   */
  LeaderLock leaderLock(String name);

  @Override
  void close();
}
