package dev.gryt.server.apply;

import dev.gryt.store.Mutation;
import java.util.List;

/**
 * What an apply will do: one entry per resource, in input order then pruned ones, and the mutations
 * that carry it out ({@code mutationIndex[i]} is the mutation of entry i, or -1).
 */
public record ApplyPlan(List<ApplyResult> results, List<Mutation> mutations, int[] mutationIndex) {
  public boolean changesAnything() {
    return !mutations.isEmpty();
  }
}
