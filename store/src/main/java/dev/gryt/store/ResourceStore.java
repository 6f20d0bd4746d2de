package dev.gryt.store;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
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
 * <p>Rules every implementation keeps (the contract tests check them; those on single objects are
 * written once, in {@link ObjectRules}):
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
 *   <li>deleting a Webhook forgets its trigger key and its deliveries ({@link #triggers()}) in the
 *       same transaction; deleting a JobRun forgets its logs ({@link #runLogs()}).
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

  /**
   * A page of the JobRuns this store shows, newest first, filtered, and how many match: what the
   * runs list reads without loading every run. Its meaning is {@link RunQuery#select} over {@code
   * list(JobRun.class, null, Map.of())}; there is no default, so that no store (a view in
   * particular) falls back to loading every run without saying so.
   */
  RunPage runs(RunQuery query);

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
   * The newest {@code limit} changes of one object still in the event log, newest first: what
   * {@code describe} shows as its recent events.
   */
  List<WatchEvent> history(ResourceKind kind, String namespace, String name, int limit);

  /** Webhook trigger keys and deliveries, written in this store's transactions. */
  TriggerStore triggers();

  /** Run reports and logs, written in this store's transactions. */
  RunLogStore runLogs();

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
