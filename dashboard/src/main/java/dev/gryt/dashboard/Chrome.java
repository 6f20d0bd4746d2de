package dev.gryt.dashboard;

import java.util.List;

/**
 * What every signed-in page shows around its content: who is signed in, whom the page shows (the
 * account or a team), the team switcher's choices, the session's CSRF token, the current section.
 */
public record Chrome(
    String username, String team, List<String> teams, String csrf, String section) {
  /** Whether the page shows the account's own objects (not a team's). */
  public boolean personal() {
    return team == null;
  }
}
