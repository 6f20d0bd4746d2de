package dev.gryt.server.auth;

import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Authenticator;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.ApiKey;
import dev.gryt.store.ReplayLedger;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates every request with HTTP Basic (username and password) or an HMAC-signed API key, as
 * DESIGN.md's wire protocol says. Every refusal is a 401 that says what to fix but never which part
 * of a credential was wrong; repeated password failures are refused with 429.
 *
 * <p>Password hashes are slow on purpose, so a Basic credential that verified once is remembered
 * for a short while (as a keyed hash of the password, never the password); API key secrets are
 * remembered the same short while. Revoking a key or changing a password on this server forgets
 * them at once.
 */
public final class AccountAuthenticator implements Authenticator {
  /** How far a signed request's timestamp may be from the server's clock. */
  public static final Duration WINDOW = Duration.ofSeconds(300);

  /**
   * How long a signature is remembered: twice the window, room for replicas whose clocks differ.
   */
  private static final Duration REMEMBERED = WINDOW.multipliedBy(2);

  private static final Duration CACHE_TTL = Duration.ofSeconds(30);

  private final Accounts accounts;
  private final Clock clock;
  private final ReplayGuard replays;
  private final ReplayLedger ledger;
  private final LoginThrottle throttle;
  private final ClientAddress clientAddress;
  private final boolean passwordsOnlyOverTls;
  private final byte[] cacheKey = new byte[32];
  private final ShortCache<Principal> passwords;
  private final ShortCache<KeyEntry> keys;

  private record KeyEntry(ApiKey key, String secret, Principal principal, boolean disabled) {}

  /**
   * @param ledger the signatures every server sharing the store has seen: a replay sent to another
   *     replica is refused too
   */
  public AccountAuthenticator(Accounts accounts, Clock clock, ReplayLedger ledger) {
    this(accounts, clock, ledger, ClientAddress.DIRECT);
  }

  /**
   * @param ledger the signatures every server sharing the store has seen
   * @param clientAddress where a request comes from, for the login throttle
   */
  public AccountAuthenticator(
      Accounts accounts, Clock clock, ReplayLedger ledger, ClientAddress clientAddress) {
    this(accounts, clock, ledger, clientAddress, false);
  }

  /**
   * @param passwordsOnlyOverTls refuse a password that came over plain HTTP from another machine
   */
  public AccountAuthenticator(
      Accounts accounts,
      Clock clock,
      ReplayLedger ledger,
      ClientAddress clientAddress,
      boolean passwordsOnlyOverTls) {
    this(accounts, clock, ledger, clientAddress, new LoginThrottle(clock), passwordsOnlyOverTls);
  }

  AccountAuthenticator(
      Accounts accounts,
      Clock clock,
      ReplayLedger ledger,
      ClientAddress clientAddress,
      LoginThrottle throttle,
      boolean passwordsOnlyOverTls) {
    this.passwordsOnlyOverTls = passwordsOnlyOverTls;
    this.accounts = accounts;
    this.clock = clock;
    this.clientAddress = clientAddress;
    this.replays = new ReplayGuard(WINDOW, clock);
    this.ledger = ledger;
    this.throttle = throttle;
    this.passwords = new ShortCache<>(CACHE_TTL, clock);
    this.keys = new ShortCache<>(CACHE_TTL, clock);
    new SecureRandom().nextBytes(cacheKey);
  }

  @Override
  public void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    Principal principal;
    if (header == null || header.isBlank()) {
      ctx.header("WWW-Authenticate", "Basic realm=\"gryt\"");
      throw unauthorized(
          "authentication required: HTTP Basic or an HMAC-signed API key (gryt cloud login)");
    } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      principal = basic(ctx, header.substring(6).strip());
    } else if (header.regionMatches(true, 0, RequestSignature.SCHEME, 0, 5)) {
      principal = hmac(ctx, header);
    } else {
      throw unauthorized("unsupported Authorization scheme: use Basic or HMAC");
    }
    principal.attachTo(ctx);
  }

  // ---------------------------------------------------------------- HTTP Basic

  /**
   * Refuses (403) a password sent in the clear over a network: plain HTTP from a peer other than
   * this machine, when the server listens beyond loopback with neither TLS nor a trusted proxy.
   */
  private void refusePlainPassword(Context ctx) {
    if (passwordsOnlyOverTls && !clientAddress.overTls(ctx) && !loopbackPeer(ctx)) {
      throw ApiException.forbidden(
          "a password over plain HTTP is refused here: it crossed the network in the clear (change"
              + " it if it was a real one); use an API key (gryt cloud login makes one and signs"
              + " requests with it), or ask the admin for HTTPS (gryt server --tls-cert/--tls-key)");
    }
  }

  private static boolean loopbackPeer(Context ctx) {
    try {
      return java.net.InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private Principal basic(Context ctx, String encoded) {
    refusePlainPassword(ctx);
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw unauthorized("malformed Basic credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw unauthorized("malformed Basic credentials");
    }
    return login(ctx, decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  /**
   * Checks a username and password (also for {@code change-password}), rate-limited per (account,
   * client address) and per client address by {@link LoginThrottle}: the attempt is reserved before
   * anything slow, and a throttled key is refused (429) before any hashing.
   *
   * @throws ApiException 401 wrong credentials, 403 a disabled account (only once the password
   *     proved the caller is its owner), 429 throttled
   */
  public Principal login(Context ctx, String username, String password) {
    refusePlainPassword(ctx);
    return login(username, password, clientAddress.of(ctx));
  }

  /** The same, from the client at {@code address}. */
  Principal login(String username, String password, String address) {
    LoginThrottle.Attempt attempt = throttle.begin(username, address);
    Account account;
    try {
      String cacheEntry = username + "\u0000" + keyed(password);
      Principal cached = passwords.get(cacheEntry);
      if (cached != null) {
        attempt.succeeded();
        return cached;
      }
      Optional<Account> found = accounts.byUsername(username);
      if (found.isEmpty() || !accounts.passwordMatches(found.get(), password)) {
        attempt.failed();
        throw unauthorized("invalid username or password");
      }
      account = found.get();
      attempt.succeeded();
      if (!account.disabled()) {
        passwords.put(cacheEntry, Accounts.principalOf(account));
      }
    } finally {
      // A store that failed is no guess: give the reserved attempt back.
      attempt.abandoned();
    }
    if (account.disabled()) {
      throw disabled(account.username());
    }
    return Accounts.principalOf(account);
  }

  /** Whether the request came over TLS, directly or through a trusted proxy that says so. */
  public boolean overTls(Context ctx) {
    return clientAddress.overTls(ctx);
  }

  /** Forgets what was remembered of a disabled account: its next request is refused here too. */
  public void accountDisabled(Account account) {
    passwordChanged(account.username());
    keys.removeIf(k -> true);
  }

  static ApiException disabled(String username) {
    return ApiException.forbidden(
        "account " + username + " is disabled by the server's admin; ask them to enable it");
  }

  /** Forgets remembered passwords of an account whose password just changed. */
  public void passwordChanged(String username) {
    passwords.removeIf(k -> k.startsWith(username + "\u0000"));
  }

  // ---------------------------------------------------------------- HMAC

  private Principal hmac(Context ctx, String header) {
    RequestSignature sig =
        RequestSignature.parse(header)
            .orElseThrow(
                () -> unauthorized("malformed HMAC credentials: HMAC <key_id>:<timestamp>:<hex>"));
    Instant at =
        sig.instant()
            .orElseThrow(() -> unauthorized("the HMAC timestamp is not ISO-8601 with a zone"));
    Instant now = clock.instant();
    if (Duration.between(at, now).abs().compareTo(WINDOW) > 0) {
      throw unauthorized(
          "the request's timestamp is more than "
              + WINDOW.toSeconds()
              + " s from the server's clock ("
              + now
              + "); check this machine's clock");
    }
    KeyEntry entry = keyEntry(sig.keyId(), now);
    if (entry == null || !entry.key().usableAt(now)) {
      throw unauthorized("unknown, expired or revoked API key");
    }
    String pathAndQuery =
        ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
    if (!sig.verifies(entry.secret(), ctx.method().name(), pathAndQuery, ctx.bodyAsBytes())) {
      throw unauthorized("the request signature does not match (method, path, timestamp, body)");
    }
    // This server's memory first (no write for a replay to the same server), then the store's
    // ledger, which every replica shares. An entry can go once the timestamp check refuses it
    // (twice the window: room for replicas whose clocks differ). A read looks its entry up and does
    // not wait for its write (ReplayLedger.WRITE_DELAY); anything else does, so that a replay to
    // another replica never runs.
    if (!replays.firstSighting(sig.keyId(), sig.signature())) {
      throw replayed();
    }
    String sighting = sig.keyId() + ":" + sig.signature();
    Instant forgetAt = at.plus(REMEMBERED);
    boolean first =
        isRead(ctx.method())
            ? ledger.firstSightingOfRead(sighting, forgetAt)
            : ledger.firstSighting(sighting, forgetAt);
    if (!first) {
      throw replayed();
    }
    if (entry.disabled()) {
      throw disabled(entry.principal().username());
    }
    // Runs this request starts name the key (RunOrigins).
    Principal.attachApiKey(ctx, sig.keyId());
    return entry.principal();
  }

  private static boolean isRead(HandlerType method) {
    return method == HandlerType.GET || method == HandlerType.HEAD;
  }

  private static ApiException replayed() {
    return unauthorized("this signed request was already used; sign each request anew");
  }

  private KeyEntry keyEntry(String keyId, Instant now) {
    KeyEntry cached = keys.get(keyId);
    if (cached != null) {
      return cached;
    }
    Optional<ApiKey> key = accounts.key(keyId);
    if (key.isEmpty()) {
      return null;
    }
    Optional<Account> owner = accounts.byId(key.get().accountId());
    if (owner.isEmpty()) {
      return null;
    }
    String secret;
    try {
      secret = accounts.secretOf(key.get());
    } catch (IllegalArgumentException e) {
      // Sealed under another master key: the key cannot authenticate anything here.
      return null;
    }
    KeyEntry entry =
        new KeyEntry(key.get(), secret, Accounts.principalOf(owner.get()), owner.get().disabled());
    keys.put(keyId, entry);
    return entry;
  }

  /** Forgets a revoked key at once (other servers forget it within the cache's lifetime). */
  public void keyRevoked(String keyId) {
    keys.remove(keyId);
  }

  // ---------------------------------------------------------------- helpers

  private String keyed(String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, message, null);
  }
}
