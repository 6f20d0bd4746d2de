package dev.gryt.server;

import dev.gryt.store.Evolution;
import java.util.List;

/**
 * Whether a generation's change is proven by its evolutions: it has a passing one and its latest
 * finished one did not fail. Promotion requires it of every change; the dashboard shows it.
 */
public final class ChangeProof {
  private ChangeProof() {}

  /**
   * Why {@code changeId} is unproven, or null when it is proven.
   *
   * @param evolutions the generation's evolutions, oldest first
   */
  public static String unprovenBecause(String changeId, List<Evolution> evolutions) {
    boolean passed = false;
    String latest = null;
    for (Evolution e : evolutions) {
      if (!changeId.equals(e.changeId())) {
        continue;
      }
      if ("pass".equals(e.status())) {
        passed = true;
      }
      if (!"in_progress".equals(e.status())) {
        latest = e.status();
      }
    }
    if (!passed) {
      return "no passing evolution";
    }
    return "fail".equals(latest) ? "latest evolution failed" : null;
  }
}
