package dev.gryt.server.auth;

import dev.gryt.server.http.Authenticator;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.SecretSealer;
import java.time.Clock;

/**
 * How an {@link dev.gryt.server.ApiServer} knows who is calling: accounts with passwords and API
 * keys ({@link #accounts}), or — only for tests and tools that bind to loopback and trust every
 * caller — no accounts at all ({@link #TRUST_LOOPBACK}).
 *
 * @param accounts null when there are no accounts (and so no account routes)
 * @param teams null when there are no accounts
 */
public record ServerSecurity(
    Authenticator authenticator, Accounts accounts, AccountHandler handler, Teams teams) {

  /** A custom authenticator without teams (tests that authenticate their own way). */
  public ServerSecurity(Authenticator authenticator, Accounts accounts, AccountHandler handler) {
    this(authenticator, accounts, handler, null);
  }

  /** Runs {@code listener} after each account the admin disables (none without accounts). */
  public void whenAccountDisabled(Runnable listener) {
    if (handler != null) {
      handler.whenDisabled(listener);
    }
  }

  /** Every caller is the admin. Never for a server other machines can reach. */
  public static final ServerSecurity TRUST_LOOPBACK =
      new ServerSecurity(Authenticator.LOOPBACK_ONLY, null, null, null);

  /**
   * Accounts, HTTP Basic and HMAC API keys over the store, key secrets sealed by the master key.
   */
  public static ServerSecurity accounts(ResourceStore store, byte[] masterKey, Clock clock) {
    return accounts(store, masterKey, clock, AccountSettings.DEFAULT);
  }

  /** The same, letting strangers in as {@code settings} says. */
  public static ServerSecurity accounts(
      ResourceStore store, byte[] masterKey, Clock clock, AccountSettings settings) {
    return accounts(store, masterKey, clock, new PasswordHasher(), settings);
  }

  static ServerSecurity accounts(
      ResourceStore store, byte[] masterKey, Clock clock, PasswordHasher hasher) {
    return accounts(store, masterKey, clock, hasher, AccountSettings.DEFAULT);
  }

  static ServerSecurity accounts(
      ResourceStore store,
      byte[] masterKey,
      Clock clock,
      PasswordHasher hasher,
      AccountSettings settings) {
    Accounts accounts = new Accounts(store.accounts(), new SecretSealer(masterKey), hasher, clock);
    accounts.ensureAdmin();
    AccountAuthenticator authenticator =
        new AccountAuthenticator(
            accounts,
            clock,
            store.accounts().replayLedger(),
            new ClientAddress(settings.trustedProxies()),
            settings.passwordsOnlyOverTls());
    return new ServerSecurity(
        authenticator,
        accounts,
        new AccountHandler(accounts, authenticator, store, settings, clock),
        new Teams(store.accounts(), clock));
  }
}
