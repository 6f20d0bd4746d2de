package dev.gryt.store;

import java.time.Instant;

/**
 * A person or system that logs in to a gryt server and owns resources, keys and runs.
 *
 * @param id {@code acct-…}
 * @param passwordHash a slow salted hash in the form the API server writes; never the password
 * @param tenantPrefix what the API server prefixes this account's namespaces with in the store
 *     ({@code ""} for the bootstrap admin, who owns the plain namespaces)
 * @param disabledAt when the admin disabled the account (its logins and keys refused, its runs not
 *     started); null while it is enabled
 */
public record Account(
    String id,
    String username,
    String passwordHash,
    String tenantPrefix,
    Instant createdAt,
    Instant disabledAt) {
  /** An enabled account. */
  public Account(
      String id, String username, String passwordHash, String tenantPrefix, Instant createdAt) {
    this(id, username, passwordHash, tenantPrefix, createdAt, null);
  }

  public boolean disabled() {
    return disabledAt != null;
  }

  @Override
  public String toString() {
    return "Account[" + id + ", " + username + "]";
  }
}
