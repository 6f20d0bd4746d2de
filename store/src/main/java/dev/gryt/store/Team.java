package dev.gryt.store;

import java.time.Instant;

/**
 * A group of accounts that owns resources, generations and runs together: a member acting for the
 * team ({@code X-Gryt-Team}) reads and writes the team's objects as its own.
 *
 * @param id {@code team-…}
 * @param tenantPrefix what the API server prefixes the team's namespaces with in the store
 * @param createdBy the id of the account that made it (its first owner)
 */
public record Team(
    String id, String name, String tenantPrefix, String createdBy, Instant createdAt) {
  /** A member's role: owners add and remove members; members use what the team owns. */
  public enum Role {
    OWNER,
    MEMBER;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One account in a team. */
  public record Member(
      String teamId, String accountId, String username, Role role, Instant addedAt) {}
}
