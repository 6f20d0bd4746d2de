package dev.gryt.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.ResourceCodec;

/**
 * A resource as stored: the columns of its {@code resources} row and the whole object as JSON.
 *
 * @param tree the object parsed, or null when only the JSON is at hand (rows read for a commit are
 *     parsed only when a mutation needs them)
 */
record StoredRow(
    ResourceKey key,
    String id,
    String uid,
    long resourceVersion,
    long generation,
    String json,
    ObjectNode tree) {

  /** The object as a tree of the caller's own. */
  ObjectNode treeCopy() {
    if (tree != null) {
      return tree.deepCopy();
    }
    try {
      return (ObjectNode) ResourceCodec.json().readTree(json);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new StoreException("stored " + key + " is not a JSON object: " + e.getMessage(), e);
    }
  }
}
