package dev.gryt.server.auth;

import java.time.Duration;
import java.util.List;

/**
 * How a server lets strangers in: whether anyone may sign up, how often from one address, and which
 * proxies' {@code X-Forwarded-For} says where a request comes from.
 *
 * @param signupOpen whether {@code POST /api/v1/accounts/create} is open to anyone (else only the
 *     admin may create accounts: 403 for everyone else)
 * @param signupsPerAddress sign-ups one client address may attempt per {@code signupWindow} (429
 *     past it)
 * @param trustedProxies the peers whose {@code X-Forwarded-For} is believed
 * @param passwordsOnlyOverTls refuse passwords (HTTP Basic, the dashboard's sign-in form) that came
 *     over plain HTTP from another machine: for a server that listens beyond loopback with neither
 *     TLS nor a trusted proxy in front (HMAC-signed requests carry no secret and stay allowed)
 */
public record AccountSettings(
    boolean signupOpen,
    int signupsPerAddress,
    Duration signupWindow,
    List<AddressRange> trustedProxies,
    boolean passwordsOnlyOverTls) {
  public static final int SIGNUPS_PER_ADDRESS = 10;
  public static final Duration SIGNUP_WINDOW = Duration.ofHours(1);

  /** Sign-up open, 10 per address per hour, no trusted proxy. */
  public static final AccountSettings DEFAULT = of(true, List.of());

  public AccountSettings {
    trustedProxies = List.copyOf(trustedProxies);
  }

  public static AccountSettings of(boolean signupOpen, List<AddressRange> trustedProxies) {
    return new AccountSettings(
        signupOpen, SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW, trustedProxies, false);
  }

  /** The same, refusing passwords over plain HTTP from other machines when {@code refuse}. */
  public AccountSettings passwordsOnlyOverTls(boolean refuse) {
    return new AccountSettings(signupOpen, signupsPerAddress, signupWindow, trustedProxies, refuse);
  }
}
