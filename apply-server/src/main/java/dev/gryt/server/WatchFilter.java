package dev.gryt.server;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceKind;
import dev.gryt.server.http.Principal;
import dev.gryt.store.WatchEvent;
import java.util.Set;

/**
 * Which events one long poll wants, in its caller's view: the kinds asked for, optionally one
 * object, and never anything outside the caller's tenant prefix. The {@link WatchHub} offers every
 * event to every waiting filter, so {@link #matches} is cheap and copies nothing.
 *
 * @param caller whose view: an event outside its namespaces never passes
 * @param kinds the kinds wanted
 * @param namespace with {@code name}, the one object wanted, namespace as the caller knows it; null
 *     for every object
 * @param name the object's name, or null
 */
record WatchFilter(Principal caller, Set<ResourceKind> kinds, String namespace, String name) {
  /** Every event of {@code kinds} that {@code caller} may see. */
  static WatchFilter of(Principal caller, Set<ResourceKind> kinds) {
    return new WatchFilter(caller, kinds, null, null);
  }

  /** The changes of one object of {@code caller}'s. */
  static WatchFilter object(Principal caller, ResourceKind kind, String namespace, String name) {
    return new WatchFilter(caller, Set.of(kind), namespace, name);
  }

  /** Whether the event passes, without copying it. */
  boolean matches(WatchEvent event) {
    GrytResource<?, ?> r = event.resource();
    if (!kinds.contains(r.kind())) {
      return false;
    }
    String stored = r.getMetadata().getNamespace();
    String prefix = caller.namespacePrefix();
    if (stored == null || !stored.startsWith(prefix)) {
      return false;
    }
    return name == null
        || (name.equals(r.getMetadata().getName())
            && stored.length() == prefix.length() + namespace.length()
            && stored.endsWith(namespace));
  }

  /** The event as the caller sees it (its own copy, namespace unprefixed), or null. */
  WatchEvent visible(WatchEvent event) {
    return matches(event) ? TenantStore.visible(caller, event) : null;
  }
}
