package dev.gryt.server.apply;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKey;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.ConflictException;
import dev.gryt.store.ResourceStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a set of resources to a store: reads what is stored, plans with {@link ApplyPlanner}, and
 * commits the whole plan in one transaction. A plan that lost a race with another writer is planned
 * again (a few times) rather than written over the other writer's change.
 */
public final class ApplyEngine {
  private static final int ATTEMPTS = 3;

  private final ResourceStore store;
  private final java.util.function.IntConsumer growthCheck;
  private final Stamp stamp;

  /**
   * What the server writes into an applied resource whatever the manifest says (a JobRun's
   * provenance), given what is stored under its name.
   */
  @FunctionalInterface
  public interface Stamp {
    Stamp NONE = (applied, stored) -> {};

    /**
     * @param stored the resource as stored; null when the apply creates it
     */
    void stamp(GrytResource<?, ?> applied, GrytResource<?, ?> stored);
  }

  public ApplyEngine(ResourceStore store) {
    this(store, added -> {});
  }

  /**
   * @param growthCheck given the objects a plan would add (created minus pruned) before it is
   *     committed; throws to refuse it (a quota)
   */
  public ApplyEngine(ResourceStore store, java.util.function.IntConsumer growthCheck) {
    this(store, growthCheck, Stamp.NONE);
  }

  /**
   * @param growthCheck given the objects a plan would add before it is committed; throws to refuse
   * @param stamp run on each applied resource before it is planned
   */
  public ApplyEngine(ResourceStore store, java.util.function.IntConsumer growthCheck, Stamp stamp) {
    this.store = store;
    this.growthCheck = growthCheck;
    this.stamp = stamp;
  }

  /**
   * @throws ConflictException when other writers kept changing the same resources
   */
  public List<ApplyResult> apply(List<? extends GrytResource<?, ?>> desired, ApplyOptions options) {
    ConflictException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Map<ResourceKey, GrytResource<?, ?>> current = current(desired);
      desired.forEach(r -> stamp.stamp(r, current.get(ResourceKey.of(r))));
      ApplyPlan plan = ApplyPlanner.plan(desired, current, applySetMembers(options), options);
      if (options.dryRun() || !plan.changesAnything()) {
        return plan.results();
      }
      growthCheck.accept(growth(plan));
      try {
        List<GrytResource<?, ?>> stored = store.commit(plan.mutations());
        return withIds(plan, stored);
      } catch (ConflictException e) {
        last = e;
      }
    }
    throw last;
  }

  /** What is stored under the names the apply uses: one list per kind and namespace it touches. */
  private Map<ResourceKey, GrytResource<?, ?>> current(List<? extends GrytResource<?, ?>> desired) {
    Set<ResourceKey> scopes = new LinkedHashSet<>();
    desired.forEach(
        r -> {
          ResourceKey key = ResourceKey.of(r);
          scopes.add(new ResourceKey(key.kind(), key.namespace(), null));
        });
    Map<ResourceKey, GrytResource<?, ?>> current = new HashMap<>();
    for (ResourceKey scope : scopes) {
      for (GrytResource<?, ?> r : store.list(scope.kind().type(), scope.namespace(), Map.of())) {
        current.put(ResourceKey.of(r), r);
      }
    }
    return current;
  }

  private List<GrytResource<?, ?>> applySetMembers(ApplyOptions options) {
    if (!options.prune()) {
      return List.of();
    }
    List<GrytResource<?, ?>> members = new ArrayList<>();
    Map<String, String> selector = Map.of(GrytResource.APPLYSET_LABEL, options.applySet());
    for (ResourceKind kind : ResourceKind.values()) {
      members.addAll(store.list(kind.type(), null, selector));
    }
    return members;
  }

  private static int growth(ApplyPlan plan) {
    int added = 0;
    for (ApplyResult r : plan.results()) {
      if (r.action() == ApplyAction.CREATED) {
        added++;
      } else if (r.action() == ApplyAction.PRUNED) {
        added--;
      }
    }
    return added;
  }

  private static List<ApplyResult> withIds(ApplyPlan plan, List<GrytResource<?, ?>> stored) {
    List<ApplyResult> out = new ArrayList<>(plan.results().size());
    for (int i = 0; i < plan.results().size(); i++) {
      ApplyResult r = plan.results().get(i);
      int m = plan.mutationIndex()[i];
      if (r.action() == ApplyAction.CREATED && m >= 0 && stored.get(m) != null) {
        r =
            new ApplyResult(
                r.kind(), r.namespace(), r.name(), stored.get(m).id(), r.action(), r.diff());
      }
      out.add(r);
    }
    return out;
  }
}
