package dev.gryt.operator;

import dev.gryt.crds.GrytResource;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * "Who refers to whom", declared once: a kind {@code S} that the reconciler of kind {@code P} reads
 * through its {@link Lookup}, and which {@code P}s a change of an {@code S} must bring back. Each
 * reconciler declares its references ({@link Reconciler#references()}); both drivers derive from
 * that declaration: the standalone loop queues {@link #dependents} on each watch event, the
 * Kubernetes driver opens one informer per reference and maps its events back through {@link
 * #nameIn} and {@link #nameOf}.
 *
 * <p>The rule is: a change of {@code s} concerns every {@code P} in its namespace whose {@code
 * nameIn} equals {@code nameOf(s)}. A {@link #narrowedBy narrowing} may drop those whose decision
 * the change cannot move (a running run does not change its Job's history); it is an optimisation
 * that a driver may skip.
 *
 * @param <P> the kind whose reconciler reads (primary)
 * @param <S> the kind read (secondary)
 */
public final class Reference<P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> {
  /** Keeps, of the {@code P}s a change concerns, those whose decision it can move. */
  @FunctionalInterface
  public interface Narrowing<P, S> {
    /**
     * @param changed the {@code S} that changed (as it was last seen, when {@code gone})
     * @param gone whether the change was a deletion
     * @param concerned the {@code P}s the reference maps {@code changed} to, looked up only when
     *     asked: a narrowing that can tell from {@code changed} alone spares the scan
     * @param lookup what the driver knows of the world
     */
    List<P> affected(S changed, boolean gone, Supplier<List<P>> concerned, Lookup lookup);
  }

  private final Class<P> primary;
  private final Class<S> type;
  private final Function<P, String> nameIn;
  private final Function<S, String> nameOf;
  private final boolean namesPrimary;
  private final Narrowing<P, S> narrowing;

  private Reference(
      Class<P> primary,
      Class<S> type,
      Function<P, String> nameIn,
      Function<S, String> nameOf,
      boolean namesPrimary,
      Narrowing<P, S> narrowing) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.type = Objects.requireNonNull(type, "type");
    this.nameIn = nameIn;
    this.nameOf = nameOf;
    this.namesPrimary = namesPrimary;
    this.narrowing = narrowing;
  }

  /**
   * A {@code P} names an {@code S} in its spec (a Job's {@code pipeline_name}): a change of that
   * {@code S} concerns every {@code P} of its namespace that names it.
   */
  public static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> Reference<P, S> byName(
      Class<P> primary, Class<S> type, Function<P, String> nameIn) {
    return new Reference<>(primary, type, nameIn, s -> s.getMetadata().getName(), false, null);
  }

  /**
   * An {@code S} names its {@code P} (a run's {@code job_name} names its Job), which reads all the
   * {@code S}s that name it: a change of an {@code S} concerns the one {@code P} it names.
   */
  public static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>>
      Reference<P, S> namedBy(Class<P> primary, Class<S> type, Function<S, String> nameOf) {
    return new Reference<>(primary, type, p -> p.getMetadata().getName(), nameOf, true, null);
  }

  /**
   * {@code P}s and {@code S}s that share a name in their specs (a run and its sibling runs by
   * {@code job_name}): a change of an {@code S} concerns every {@code P} of its namespace whose
   * {@code nameIn} equals the S's {@code nameOf}.
   */
  public static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>> Reference<P, S> shared(
      Class<P> primary, Class<S> type, Function<P, String> nameIn, Function<S, String> nameOf) {
    return new Reference<>(primary, type, nameIn, nameOf, false, null);
  }

  /**
   * A {@code P} reads {@code S}s only by way of another reference (a run reads the Pipeline of its
   * Job for a default timeout): readable, but a change of one concerns no {@code P}.
   */
  public static <P extends GrytResource<?, ?>, S extends GrytResource<?, ?>>
      Reference<P, S> readOnly(Class<P> primary, Class<S> type) {
    return new Reference<>(primary, type, null, null, false, null);
  }

  /** This reference, waking only the {@code P}s {@code narrowing} keeps. */
  public Reference<P, S> narrowedBy(Narrowing<P, S> narrowing) {
    return new Reference<>(primary, type, nameIn, nameOf, namesPrimary, narrowing);
  }

  /** The kind whose reconciler reads. */
  public Class<P> primary() {
    return primary;
  }

  /** The kind read. */
  public Class<S> type() {
    return type;
  }

  /** Whether a change of an {@code S} concerns any {@code P} (false for {@link #readOnly}). */
  public boolean wakes() {
    return nameIn != null;
  }

  /** The name {@code p} is matched on (the one it names, or its own); null when it names none. */
  public String nameIn(P p) {
    return nameIn == null ? null : nameIn.apply(p);
  }

  /** The name {@code s} is matched on: its own, or the one it names. */
  public String nameOf(S s) {
    return nameOf == null ? null : nameOf.apply(s);
  }

  /**
   * The {@code P}s that must look again after {@code changed} changed ({@code gone}: was deleted),
   * narrowed; empty when {@code changed} is not an {@code S}.
   */
  public List<P> dependents(GrytResource<?, ?> changed, boolean gone, Lookup lookup) {
    if (!wakes() || !type.isInstance(changed)) {
      return List.of();
    }
    S s = type.cast(changed);
    String name = nameOf(s);
    if (name == null) {
      return List.of();
    }
    String ns = changed.getMetadata().getNamespace();
    Supplier<List<P>> concerned =
        () ->
            namesPrimary
                ? lookup.get(primary, ns, name).map(List::of).orElse(List.of())
                : lookup.list(primary, ns).stream().filter(p -> name.equals(nameIn(p))).toList();
    return narrowing == null ? concerned.get() : narrowing.affected(s, gone, concerned, lookup);
  }

  @Override
  public String toString() {
    return primary.getSimpleName() + " reads " + type.getSimpleName();
  }
}
