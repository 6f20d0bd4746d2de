package dev.gryt.cli.cloud;

import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceKind;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Turns the KIND a person types into a {@link ResourceKind}, or says which ones exist. */
final class Kinds {
  private Kinds() {}

  /** What a person calls one resource of the kind in messages: {@code run}, {@code job}, … */
  static String noun(ResourceKind kind) {
    return kind == ResourceKind.JOB_RUN ? "run" : kind.singular();
  }

  static ResourceKind lookup(String name) {
    return ResourceKind.lookup(name)
        .orElseThrow(
            () ->
                new CliException(
                    "unknown kind '"
                        + name
                        + "' (valid kinds: "
                        + Arrays.stream(ResourceKind.values())
                            .map(ResourceKind::plural)
                            .collect(Collectors.joining(", "))
                        + ")"));
  }
}
