package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;

/** The JSON a client sees of a stored resource: its manifest form plus {@code id}, secrets out. */
final class ResourceView {
  private ResourceView() {}

  static ObjectNode of(GrytResource<?, ?> resource) {
    ObjectNode tree = (ObjectNode) ResourceCodec.toTree(resource);
    tree.put("id", resource.id());
    JsonNode spec = tree.get("spec");
    if (spec instanceof ObjectNode s) {
      // Write-only fields: say that one is set, never what it is.
      if (s.remove("access_token") != null) {
        s.put("access_token_set", true);
      }
      if (s.remove("secret") != null) {
        s.put("secret_set", true);
      }
    }
    return tree;
  }
}
