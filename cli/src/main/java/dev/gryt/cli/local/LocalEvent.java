package dev.gryt.cli.local;

/**
 * Something that happened to the local records, published after it was written to {@code gryt.db}.
 *
 * @param evolutionId null for generation events
 */
public record LocalEvent(Type type, long generationId, Long evolutionId) {
  /** The events the bus carries. */
  public enum Type {
    GENERATION_CREATED("generation.created"),
    GENERATION_UPDATED("generation.updated"),
    GENERATION_PROMOTED("generation.promoted"),
    EVOLUTION_CREATED("evolution.created"),
    EVOLUTION_COMPLETED("evolution.completed");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    @Override
    public String toString() {
      return wireName;
    }
  }

  public static LocalEvent generation(Type type, long generationId) {
    return new LocalEvent(type, generationId, null);
  }

  public static LocalEvent evolution(Type type, long generationId, long evolutionId) {
    return new LocalEvent(type, generationId, evolutionId);
  }
}
