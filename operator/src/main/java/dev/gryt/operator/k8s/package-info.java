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
 *       reschedule. One tiny subclass per kind names the kind.
 *   <li>{@code ReferenceInformer} turns each {@link dev.gryt.operator.Reference} a reconciler
 *       declares (the same declaration the standalone loop's {@code ResourceCache.dependents()}
 *       follows) into an informer that caches the kind read and maps a change of it back to the
 *       resources that name it (an index on the primary cache). A Job therefore turns Ready when
 *       its Pipeline appears without polling.
 *   <li>Kubernetes run mode ({@link dev.gryt.operator.k8s.BatchJobOptions}): {@code BatchJobModel}
 *       computes the batch/v1 Job a JobRun becomes (init containers copy {@code gryt-step-runner}
 *       from the gryt image and check out; one container per step, in the step's image), {@code
 *       BatchJobPlacement} decides from the Job and its pod what the run's status is and whether to
 *       create or delete the Job, both without I/O; {@code JobRunController} does the I/O, with
 *       informers on the Jobs (by owner reference) and their pods (by annotation). The in-pod
 *       script is {@code operator/src/main/sh/gryt-step-runner}.
 * </ul>
 *
 * <p>The decision code never sees a client: only the controllers and the lookup touch JOSDK.
 */
package dev.gryt.operator.k8s;
