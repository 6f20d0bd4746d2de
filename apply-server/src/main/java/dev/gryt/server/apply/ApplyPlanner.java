package dev.gryt.server.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKey;
import dev.gryt.store.Mutation;
import dev.gryt.store.ResourceStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides, without I/O, what applying a set of desired resources to the current state means:
 * created, configured (with a field diff), unchanged or pruned, and the store mutations for it.
 */
public final class ApplyPlanner {
  /** Fields whose values never leave the server, not even in a diff. */
  private static final Set<String> SECRET_PATHS = Set.of("spec.access_token", "spec.secret");

  private static final TextNode REDACTED = TextNode.valueOf("<redacted>");

  private ApplyPlanner() {}

  /**
   * @param desired validated resources, each named once
   * @param current stored resources, by key (at least those {@code desired} names)
   * @param applySetMembers stored resources labelled with {@code options.applySet()} (used only
   *     when pruning)
   */
  public static ApplyPlan plan(
      List<? extends GrytResource<?, ?>> desired,
      Map<ResourceKey, ? extends GrytResource<?, ?>> current,
      Collection<? extends GrytResource<?, ?>> applySetMembers,
      ApplyOptions options) {
    List<ApplyResult> results = new ArrayList<>(desired.size());
    List<Mutation> mutations = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    Set<ResourceKey> named = new HashSet<>();

    for (GrytResource<?, ?> want : desired) {
      ResourceKey key = ResourceKey.of(want);
      named.add(key);
      GrytResource<?, ?> have = current.get(key);
      GrytResource<?, ?> target = prepare(want, have, options);
      String kind = key.kind().kind();
      if (have == null) {
        results.add(
            new ApplyResult(kind, key.namespace(), key.name(), null, ApplyAction.CREATED, null));
        index.add(mutations.size());
        mutations.add(new Mutation.Create(target));
        continue;
      }
      List<FieldDiff> diff = redact(FieldDiff.between("", comparable(have), comparable(target)));
      if (diff.isEmpty()) {
        results.add(
            new ApplyResult(
                kind, key.namespace(), key.name(), have.id(), ApplyAction.UNCHANGED, null));
        index.add(-1);
      } else {
        results.add(
            new ApplyResult(
                kind, key.namespace(), key.name(), have.id(), ApplyAction.CONFIGURED, diff));
        index.add(mutations.size());
        mutations.add(new Mutation.Update(target));
      }
    }

    if (options.prune()) {
      for (GrytResource<?, ?> member : applySetMembers) {
        ResourceKey key = ResourceKey.of(member);
        if (named.contains(key)) {
          continue;
        }
        results.add(
            new ApplyResult(
                key.kind().kind(),
                key.namespace(),
                key.name(),
                member.id(),
                ApplyAction.PRUNED,
                null));
        index.add(mutations.size());
        mutations.add(
            new Mutation.Delete(
                key.kind(),
                key.namespace(),
                key.name(),
                member.getMetadata().getResourceVersion()));
      }
    }
    return new ApplyPlan(results, mutations, index.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The object to write: the desired spec, labels and annotations on top of what is stored (uid,
   * id, resourceVersion, status kept). System labels ({@code gryt.io/…}) stay as stored unless this
   * apply sets the apply-set label.
   */
  private static GrytResource<?, ?> prepare(
      GrytResource<?, ?> want, GrytResource<?, ?> have, ApplyOptions options) {
    GrytResource<?, ?> target = shallowCopy(want);
    var meta = target.getMetadata();
    if (meta.getNamespace() == null) {
      meta.setNamespace(ResourceStore.DEFAULT_NAMESPACE);
    }
    Map<String, String> labels = new TreeMap<>();
    if (meta.getLabels() != null) {
      meta.getLabels()
          .forEach(
              (k, v) -> {
                if (!k.startsWith("gryt.io/")) {
                  labels.put(k, v);
                }
              });
    }
    if (have != null && have.getMetadata().getLabels() != null) {
      have.getMetadata()
          .getLabels()
          .forEach(
              (k, v) -> {
                if (k.startsWith("gryt.io/")) {
                  labels.put(k, v);
                }
              });
    }
    if (options.applySet() != null) {
      labels.put(GrytResource.APPLYSET_LABEL, options.applySet());
    }
    meta.setLabels(labels.isEmpty() ? null : labels);
    if (have != null) {
      meta.setResourceVersion(have.getMetadata().getResourceVersion());
      meta.setUid(have.getMetadata().getUid());
    }
    target.setStatus(null);
    return target;
  }

  /**
   * A new resource with a copy of {@code r}'s metadata and the same spec object: the planner
   * changes metadata only, and a full JSON round trip per resource was the planner's largest cost.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GrytResource<?, ?> shallowCopy(GrytResource<?, ?> r) {
    GrytResource copy;
    try {
      copy = r.getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate " + r.getClass(), e);
    }
    copy.setMetadata(new ObjectMetaBuilder(r.getMetadata()).build());
    copy.setSpec(r.getSpec());
    return copy;
  }

  /** The part of a resource that apply owns: spec, labels and annotations. */
  private static JsonNode comparable(GrytResource<?, ?> r) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    ObjectNode meta = view.putObject("metadata");
    var m = r.getMetadata();
    if (m.getLabels() != null && !m.getLabels().isEmpty()) {
      ObjectNode labels = meta.putObject("labels");
      m.getLabels()
          .forEach(
              (k, v) -> {
                if (!GrytResource.ID_LABEL.equals(k)) {
                  labels.put(k, v);
                }
              });
    }
    if (m.getAnnotations() != null && !m.getAnnotations().isEmpty()) {
      meta.set("annotations", ResourceCodec.toTree(m.getAnnotations()));
    }
    view.set("spec", ResourceCodec.toTree(r.getSpec()));
    return view;
  }

  private static List<FieldDiff> redact(List<FieldDiff> diff) {
    List<FieldDiff> out = new ArrayList<>(diff.size());
    for (FieldDiff d : diff) {
      if (SECRET_PATHS.contains(d.path())) {
        out.add(
            new FieldDiff(
                d.path(),
                d.old() == null ? null : REDACTED,
                d.updated() == null ? null : REDACTED));
      } else {
        out.add(d);
      }
    }
    return out;
  }
}
