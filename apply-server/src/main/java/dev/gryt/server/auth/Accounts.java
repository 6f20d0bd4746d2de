package dev.gryt.server.auth;

import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.AccountStore;
import dev.gryt.store.AlreadyExistsException;
import dev.gryt.store.ApiKey;
import dev.gryt.store.SecretSealer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts and API keys: the rules (what a username and a password may be, how long a key lives)
 * and the secrets (hashing passwords, sealing key secrets), over an {@link AccountStore}.
 */
public final class Accounts {
  public static final int MIN_PASSWORD = 8;
  public static final int MAX_PASSWORD = 1024;
  public static final int MAX_KEY_DAYS = 3650;
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}");
  private static final Pattern KEY_NAME = Pattern.compile("[^\\p{Cntrl}]{1,100}");

  private final AccountStore store;
  private final SecretSealer box;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Accounts(AccountStore store, SecretSealer box, PasswordHasher hasher, Clock clock) {
    this.store = store;
    this.box = box;
    this.hasher = hasher;
    this.clock = clock;
  }

  /** A key as created: the only moment its secret is known outside the server. */
  public record IssuedKey(ApiKey key, String secret) {
    @Override
    public String toString() {
      return "IssuedKey[" + key.keyId() + "]";
    }
  }

  /**
   * Creates an account with its own namespaces.
   *
   * @throws ApiException 422 listing every problem with the input; 409 when the name is taken
   */
  public Account create(String username, String password) {
    List<Map<String, String>> problems = new ArrayList<>();
    if (username == null || !USERNAME.matcher(username).matches()) {
      problems.add(
          problem(
              "username",
              "must be 3 to 64 characters: letters, digits, '_', '.', '@', '-', starting with a"
                  + " letter or digit"));
    }
    passwordProblem(password).ifPresent(p -> problems.add(problem("password", p)));
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(problems.size() + " problem(s) with the account", problems);
    }
    if ("admin".equalsIgnoreCase(username) || store.accountByUsername(username).isPresent()) {
      throw ApiException.conflict("username " + username + " is taken");
    }
    String hash = hasher.hash(password);
    for (int attempt = 0; ; attempt++) {
      String code = HexFormat.of().formatHex(bytes(4));
      try {
        return store.createAccount(
            new Account("acct-" + code, username, hash, "t" + code + "-", clock.instant()));
      } catch (AlreadyExistsException e) {
        if (store.accountByUsername(username).isPresent()) {
          throw ApiException.conflict("username " + username + " is taken");
        }
        if (attempt == 5) {
          throw e;
        }
        // A 32-bit account code collided with another account's: draw again.
      }
    }
  }

  /**
   * The admin account, created on the server's first start with a random password nobody knows: the
   * admin logs in with the API key {@code gryt server} writes beside its data.
   */
  public Account ensureAdmin() {
    return store
        .accountById(Principal.ADMIN_ID)
        .orElseGet(
            () -> {
              try {
                return store.createAccount(
                    new Account(
                        Principal.ADMIN_ID,
                        "admin",
                        hasher.hash(Base64.getEncoder().encodeToString(bytes(32))),
                        "",
                        clock.instant()));
              } catch (AlreadyExistsException e) {
                // A second server on the same database made it first.
                return store.accountById(Principal.ADMIN_ID).orElseThrow(() -> e);
              }
            });
  }

  public Optional<Account> byUsername(String username) {
    return store.accountByUsername(username);
  }

  public Optional<Account> byId(String id) {
    return store.accountById(id);
  }

  /** Every account, by username. */
  public List<Account> list() {
    return store.listAccounts();
  }

  /**
   * Disables the account named {@code username}: its logins and keys are refused from now on.
   *
   * @return the account as it was before
   * @throws ApiException 404 no such account; 409 the bootstrap admin (whose key runs the server)
   *     or an account already disabled
   */
  public Account disable(String username) {
    Account account =
        store
            .accountByUsername(username)
            .orElseThrow(() -> ApiException.notFound("no account " + username));
    if (Principal.ADMIN_ID.equals(account.id())) {
      throw ApiException.conflict(
          "the bootstrap admin cannot be disabled: gryt server itself uses its key");
    }
    if (!store.disableAccount(account.id(), clock.instant())) {
      throw ApiException.conflict("account " + username + " is disabled already");
    }
    return account;
  }

  /** Whether {@code password} is the account's; slow on purpose (the hash's work factor). */
  public boolean passwordMatches(Account account, String password) {
    return hasher.verify(password, account.passwordHash());
  }

  /**
   * @throws ApiException 422 when the new password breaks the rules
   */
  public void changePassword(Account account, String newPassword) {
    Optional<String> problem = passwordProblem(newPassword);
    if (problem.isPresent()) {
      throw ApiException.unprocessable(
          "1 problem(s) with the new password", List.of(problem("new_password", problem.get())));
    }
    store.changePasswordHash(account.id(), hasher.hash(newPassword));
  }

  /**
   * Creates an API key for the account.
   *
   * @param expiresInDays null for a key that does not expire
   * @throws ApiException 422 listing every problem with the input
   */
  public IssuedKey createKey(String accountId, String name, Integer expiresInDays) {
    List<Map<String, String>> problems = new ArrayList<>();
    if (name == null || !KEY_NAME.matcher(name).matches() || name.isBlank()) {
      problems.add(problem("name", "must be 1 to 100 printable characters"));
    }
    if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_KEY_DAYS)) {
      problems.add(problem("expires_in_days", "must be between 1 and " + MAX_KEY_DAYS));
    }
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(problems.size() + " problem(s) with the API key", problems);
    }
    Instant now = clock.instant();
    Instant expires = expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays));
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    String keyId = "key_" + HexFormat.of().formatHex(bytes(12));
    ApiKey key = new ApiKey(keyId, accountId, name, box.seal(secret), now, expires, null);
    return new IssuedKey(store.createApiKey(key), secret);
  }

  public List<ApiKey> keys(String accountId) {
    return store.apiKeys(accountId);
  }

  public Optional<ApiKey> key(String keyId) {
    return store.apiKey(keyId);
  }

  /** The key's secret in the clear, for checking a signature. */
  String secretOf(ApiKey key) {
    return box.open(key.sealedSecret());
  }

  /** Whether {@code keyId} is a live key of the account whose secret is {@code secret}. */
  public boolean keyWorks(String accountId, String keyId, String secret) {
    Optional<ApiKey> key = store.apiKey(keyId);
    if (key.isEmpty()
        || !key.get().accountId().equals(accountId)
        || !key.get().usableAt(clock.instant())) {
      return false;
    }
    try {
      return java.security.MessageDigest.isEqual(
          secretOf(key.get()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
          secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public boolean revokeKey(String accountId, String keyId) {
    return store.revokeApiKey(accountId, keyId, clock.instant());
  }

  /** The principal requests made with this account's credentials act as. */
  public static Principal principalOf(Account account) {
    return new Principal(account.id(), account.username(), account.tenantPrefix());
  }

  private static Optional<String> passwordProblem(String password) {
    if (password == null || password.length() < MIN_PASSWORD) {
      return Optional.of("must be at least " + MIN_PASSWORD + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      return Optional.of("must be at most " + MAX_PASSWORD + " characters");
    }
    return Optional.empty();
  }

  private static Map<String, String> problem(String path, String message) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("path", path);
    p.put("message", message);
    return p;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
