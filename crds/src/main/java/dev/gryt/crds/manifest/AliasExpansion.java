package dev.gryt.crds.manifest;

import dev.gryt.crds.ObjectSize;
import java.util.IdentityHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Bounds what aliases make of a document. SnakeYAML limits aliases to lists and mappings, but a
 * scalar alias is free: {@code &x} on a 64 KiB string and five hundred {@code *x} are 37 KB of text
 * and 33 MB once expanded, in memory and in the stored row. A composed document shares the aliased
 * node, so the tree is walked as the expansion would be, counting every scalar each time it is
 * reached, and refused once it passes {@link ObjectSize#MAX_BYTES} with an alias on the way (a
 * document that is large without aliases is left to the object size check, which names it).
 *
 * <p>The walk costs at most the document's own text plus the limit: it stops as soon as a repeated
 * node has carried the count past the limit.
 */
public final class AliasExpansion {
  private AliasExpansion() {}

  /** The problem with {@code document}, or null when its expansion stays within the limit. */
  static Problem check(String source, Node document) {
    String problem = problem(document);
    return problem == null ? null : new Problem(source, SchemaWalker.line(document), "", problem);
  }

  /**
   * Why {@code document} (a composed YAML node tree) is refused, or null when what its aliases
   * expand to stays within the limit.
   */
  public static String problem(Node document) {
    Walk walk = new Walk();
    walk.visit(document);
    if (walk.refused == null) {
      return null;
    }
    String anchor = walk.refused.getAnchor();
    return "aliases expand this document past "
        + ObjectSize.MAX_BYTES / 1024
        + " KiB"
        + (anchor == null ? "" : " (*" + anchor + " repeats &" + anchor + ")")
        + "; "
        + ObjectSize.limit()
        + ", aliases included";
  }

  private static final class Walk {
    private final Map<Node, Boolean> seen = new IdentityHashMap<>();
    private long expanded;
    private Node alias;
    private Node refused;

    /** False once the walk has been refused and must stop. */
    boolean visit(Node node) {
      if (seen.put(node, Boolean.TRUE) != null && alias == null) {
        alias = node;
      }
      if (node instanceof ScalarNode scalar) {
        // A scalar costs its text plus a little for quotes and separators, so that a million
        // aliased empty strings count too.
        expanded += scalar.getValue().length() + 2;
      } else if (node instanceof SequenceNode sequence) {
        expanded += 2;
        for (Node item : sequence.getValue()) {
          if (!visit(item)) {
            return false;
          }
        }
      } else if (node instanceof MappingNode mapping) {
        expanded += 2;
        for (NodeTuple tuple : mapping.getValue()) {
          if (!visit(tuple.getKeyNode()) || !visit(tuple.getValueNode())) {
            return false;
          }
        }
      }
      if (expanded > ObjectSize.MAX_BYTES && alias != null) {
        refused = alias;
        return false;
      }
      return true;
    }
  }
}
