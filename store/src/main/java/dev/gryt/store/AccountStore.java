package dev.gryt.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Accounts and their API keys, kept in the same database as the resources. */
public interface AccountStore {
  /**
   * Creates an account.
   *
   * @throws AlreadyExistsException when the username (or id, or tenant prefix) is taken
   */
  Account createAccount(Account account);

  Optional<Account> accountByUsername(String username);

  Optional<Account> accountById(String id);

  /** Every account, by username. */
  List<Account> listAccounts();

  /**
   * Disables an account from {@code at} on; false when there is no such account or it was disabled
   * already.
   */
  boolean disableAccount(String accountId, Instant at);

  /** Replaces the password hash; false when the account does not exist. */
  boolean changePasswordHash(String accountId, String passwordHash);

  /**
   * Stores a new key.
   *
   * @throws AlreadyExistsException when the key id is taken
   */
  ApiKey createApiKey(ApiKey key);

  Optional<ApiKey> apiKey(String keyId);

  /** The account's keys, revoked ones included, oldest first. */
  List<ApiKey> apiKeys(String accountId);

  /** Revokes the account's key; false when the account has no such key (or it was revoked). */
  boolean revokeApiKey(String accountId, String keyId, Instant at);

  /**
   * Creates a team with its creator as its first owner, both or neither.
   *
   * @throws AlreadyExistsException when the name (or id, or tenant prefix) is taken
   */
  Team createTeam(Team team);

  Optional<Team> teamByName(String name);

  /** The teams an account is in, by name. */
  List<Team> teamsOf(String accountId);

  /** A team's members, by username. */
  List<Team.Member> members(String teamId);

  /** An account's membership of a team, if any. */
  Optional<Team.Member> membership(String teamId, String accountId);

  /**
   * Adds an account to a team, or changes its role there.
   *
   * @return the membership as stored
   */
  Team.Member putMember(String teamId, String accountId, Team.Role role, Instant at);

  /** Removes an account from a team; false when it was not a member. */
  boolean removeMember(String teamId, String accountId);

  /** The signed requests already seen by any server sharing this database. */
  ReplayLedger replayLedger();

  /** The dashboard's sign-in sessions and one-time links. */
  SessionStore sessions();
}
