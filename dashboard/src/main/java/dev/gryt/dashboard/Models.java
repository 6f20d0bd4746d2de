package dev.gryt.dashboard;

import java.util.List;

/** What the templates show, beyond runs and resources: the rows of the smaller pages. */
public final class Models {
  private Models() {}

  /** One delivery as the deliveries page shows it. */
  public record DeliveryRow(
      String received,
      String event,
      String deliveryId,
      String status,
      String reason,
      String runId,
      String branch,
      String commit,
      String signature,
      String redeliveryOf,
      String id) {
    /** Whether its payload was kept, so that it can be replayed. */
    public boolean replayable() {
      return !"unknown".equals(signature);
    }
  }

  /** An event as {@code gryt cloud describe} shows it. */
  public record EventRow(String time, String reason, String message) {}

  /** An evolution of a change. */
  public record EvolutionRow(String codeName, String status, String pipeline, String completedAt) {}

  /** A change of a generation and its proof. */
  public record ChangeRow(
      String id,
      String type,
      String title,
      boolean proven,
      String why,
      List<EvolutionRow> evolutions) {}

  /** A generation. */
  public record GenerationRow(
      String id,
      String version,
      String description,
      boolean promoted,
      String promotedBy,
      String promotedAt,
      List<ChangeRow> changes) {}
}
