/**
 * The Kubernetes driver: the same pure reconcilers the standalone control loop runs, driven by the
 * Java Operator SDK over the {@code gryt.io/v1} custom resources.
 *
 * <ul>
 *   <li>{@link dev.gryt.operator.k8s.KubernetesOperator} is the entry point: one JOSDK controller
 *       per kind, namespaces to watch, optional leader election on a Lease, server-side apply on or
 *       off.
 *   <li>{@code GrytController} adapts a pure reconciler: it calls it with a {@link
 *       dev.gryt.operator.Lookup} over informer caches and turns its {@link
 *       dev.gryt.operator.Outcome} into a status patch (only when the status changed) and a
 *       reschedule. One tiny subclass per kind names the kind and what it reads.
 *   <li>{@code Reference} is what the standalone loop's {@code ResourceCache.dependents()} is
 *       there: a kind a reconciler reads, cached by an informer, with the mapping from a change of
 *       it back to the resources that name it (an index on the primary cache). A Job therefore
 *       turns Ready when its Pipeline appears without polling.
 * </ul>
 *
 * <p>The decision code never sees a client: only the controllers and the lookup touch JOSDK.
 */
package dev.gryt.operator.k8s;
