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
}
