package dev.gryt.cli.local;

/**
 * Which events are pushed to the server as they happen, by execution mode: local never; hybrid only
 * promotions and passing completed evolutions; cloud every event. Pure.
 */
public final class SyncPolicy {
  private SyncPolicy() {}

  /**
   * @param evolutionStatus the evolution's status for evolution events, else null
   */
  public static boolean pushes(ExecutionMode mode, LocalEvent.Type type, String evolutionStatus) {
    return switch (mode) {
      case LOCAL -> false;
      case CLOUD -> true;
      case HYBRID ->
          type == LocalEvent.Type.GENERATION_PROMOTED
              || (type == LocalEvent.Type.EVOLUTION_COMPLETED
                  && LocalEvolution.PASS.equals(evolutionStatus));
    };
  }
}
