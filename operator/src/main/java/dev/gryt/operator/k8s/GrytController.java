package dev.gryt.operator.k8s;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKey;
import dev.gryt.operator.Outcome;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one kind's pure gryt {@link dev.gryt.operator.Reconciler} under JOSDK: the same decision the
 * standalone loop makes, read from informer caches and written through the status subresource, only
 * when it changed; the deletes it decides go through the client. A thrown exception is left to
 * JOSDK's retry with backoff.
 *
 * <p>One small subclass per kind names the kind (JOSDK reads it from the type argument); what its
 * reconciler reads comes from the reconciler's own {@link dev.gryt.operator.Reference}s, one
 * informer each ({@link ReferenceInformer}).
 */
abstract class GrytController<R extends GrytResource<?, T>, T extends GrytStatus>
    implements Reconciler<R> {
  private final dev.gryt.operator.Reconciler<R, T> decision;
  private final Clock clock;
  private final List<dev.gryt.operator.Reference<R, ?>> references;
  private final InformerLookup lookup;

  GrytController(dev.gryt.operator.Reconciler<R, T> decision, Clock clock) {
    this.decision = decision;
    this.clock = clock;
    this.references = decision.references();
    this.lookup = new InformerLookup(getClass().getSimpleName());
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
    List<EventSource<?, R>> sources = new ArrayList<>();
    lookup.client(context.getClient());
    for (dev.gryt.operator.Reference<R, ?> reference : references) {
      InformerEventSource<?, R> source = ReferenceInformer.eventSource(reference, context);
      lookup.add(reference.type(), source);
      sources.add(source);
    }
    sources.addAll(ownedEventSources(context));
    return sources;
  }

  /** Informers on what the driver itself creates for a resource; none by default. */
  protected List<EventSource<?, R>> ownedEventSources(EventSourceContext<R> context) {
    return List.of();
  }

  /**
   * What the driver does beyond the decision's deletes (nothing by default), returning the outcome
   * to write: a JobRun's batch Job is created, followed and deleted here.
   */
  protected Outcome<T> act(R resource, Outcome<T> decision, Context<R> context, Instant now) {
    return decision;
  }

  /** The informer caches the decision reads, for {@link #act}. */
  protected final dev.gryt.operator.Lookup lookup() {
    return lookup;
  }

  @Override
  public UpdateControl<R> reconcile(R resource, Context<R> context) {
    Instant now = clock.instant();
    Outcome<T> outcome = act(resource, decision.reconcile(resource, lookup, now), context, now);
    for (ResourceKey key : outcome.deletes()) {
      // Deleting one already gone is a no-op for the client: the goal is reached either way.
      context
          .getClient()
          .resources(key.kind().type())
          .inNamespace(key.namespace())
          .withName(key.name())
          .delete();
    }
    UpdateControl<R> control;
    if (ResourceCodec.toTree(resource.getStatus()).equals(ResourceCodec.toTree(outcome.status()))) {
      control = UpdateControl.noUpdate();
    } else {
      // JOSDK hands each reconcile its own copy of the resource, so setting the status is safe.
      resource.setStatus(outcome.status());
      control = UpdateControl.patchStatus(resource);
    }
    return outcome.requeueAfter() == null
        ? control
        : control.rescheduleAfter(outcome.requeueAfter());
  }
}
