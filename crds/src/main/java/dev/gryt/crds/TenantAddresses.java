package dev.gryt.crds;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a tenant's URL may reach: public ones only. Loopback, unspecified, link-local
 * (and so the cloud metadata service at 169.254.169.254), private (RFC 1918, unique-local {@code
 * fc00::/7}, site-local), carrier-grade NAT, multicast, broadcast, documentation and reserved
 * ranges are the server's neighbourhood, not the tenant's. IPv6 forms that carry an IPv4 address
 * (mapped, compatible, NAT64, 6to4) are judged by that address.
 *
 * <p>The rule is used in one way everywhere a tenant's URL is followed (the repo probe, the agent's
 * checkout, any URL a tenant gives): {@link #check} resolves the host <em>once</em> and refuses it
 * when any of its addresses is internal; the caller then connects to one of the addresses checked,
 * never to the name again (see {@link PinnedProxy}), so a DNS answer that changes in between
 * (rebinding) changes nothing.
 */
public final class TenantAddresses {
  /** Resolves a host name to all its addresses: DNS in production, a table in tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** The system's resolver. */
  public static final Resolver DNS = InetAddress::getAllByName;

  /**
   * What a tenant reads when an address is refused: the cause, without the address or which range
   * it is in (the tenant learns nothing about the server's network).
   */
  public static final String ADDRESS_REFUSED =
      "the host's address is not allowed: repositories of tenants must be on public addresses";

  /**
   * What a tenant reads when a host cannot be resolved or reached: one sentence whatever the cause,
   * so that answers never tell an open port from a closed one.
   */
  public static final String NOT_REACHABLE = "repository not reachable";

  /** A host a tenant may not reach, or cannot: the message is for the tenant. */
  public static final class Refused extends Exception {
    private final boolean address;

    Refused(boolean address, String message) {
      super(message);
      this.address = address;
    }

    /** True when the address was refused; false when the host could not be resolved. */
    public boolean addressRefused() {
      return address;
    }
  }

  private TenantAddresses() {}

  /**
   * Resolves {@code host} once and returns its addresses when every one is public.
   *
   * @throws Refused when one is not ({@link #ADDRESS_REFUSED}), or the host has none ({@link
   *     #NOT_REACHABLE})
   */
  public static List<InetAddress> check(String host, Resolver resolver) throws Refused {
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | SecurityException e) {
      throw new Refused(false, NOT_REACHABLE);
    }
    if (addresses == null || addresses.length == 0) {
      throw new Refused(false, NOT_REACHABLE);
    }
    for (InetAddress a : addresses) {
      if (internal(a).isPresent()) {
        throw new Refused(true, ADDRESS_REFUSED);
      }
    }
    return List.of(addresses);
  }

  /** Which kind of internal address {@code a} is, or empty when it is public. */
  public static Optional<String> internal(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return internal4(b);
    }
    if (a instanceof Inet6Address) {
      return internal6(b);
    }
    return Optional.of("unknown");
  }

  private static Optional<String> internal4(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    int o2 = b[2] & 0xff;
    if (o0 == 0) {
      return Optional.of("unspecified"); // 0.0.0.0/8, "this network"
    }
    if (o0 == 127) {
      return Optional.of("loopback");
    }
    if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) {
      return Optional.of("private");
    }
    if (o0 == 169 && o1 == 254) {
      return Optional.of("link-local");
    }
    if (o0 == 100 && (o1 & 0xc0) == 64) {
      return Optional.of("shared"); // 100.64.0.0/10, carrier-grade NAT
    }
    if (o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2)) {
      return Optional.of("reserved"); // IETF protocol assignments, TEST-NET-1
    }
    if (o0 == 198 && (o1 & 0xfe) == 18) {
      return Optional.of("reserved"); // 198.18.0.0/15, benchmarking
    }
    if ((o0 == 198 && o1 == 51 && o2 == 100) || (o0 == 203 && o1 == 0 && o2 == 113)) {
      return Optional.of("reserved"); // TEST-NET-2 and -3
    }
    if (o0 >= 224 && o0 <= 239) {
      return Optional.of("multicast");
    }
    if (o0 >= 240) {
      return Optional.of("reserved"); // 240.0.0.0/4 and the broadcast address
    }
    return Optional.empty();
  }

  private static Optional<String> internal6(byte[] b) {
    boolean zero10 = true;
    for (int i = 0; i < 10; i++) {
      zero10 &= b[i] == 0;
    }
    if (zero10 && b[10] == 0 && b[11] == 0) {
      boolean zero = true;
      for (int i = 12; i < 15; i++) {
        zero &= b[i] == 0;
      }
      if (zero && (b[15] == 0 || b[15] == 1)) {
        return Optional.of(b[15] == 0 ? "unspecified" : "loopback"); // :: and ::1
      }
      return internal4(slice(b, 12)); // ::a.b.c.d, IPv4-compatible
    }
    if (zero10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return internal4(slice(b, 12)); // ::ffff:a.b.c.d, IPv4-mapped
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (w0 == 0x0064 && w1 == 0xff9b) {
      return internal4(slice(b, 12)); // 64:ff9b::/96, NAT64
    }
    if (w0 == 0x2002) {
      return internal4(slice(b, 2)); // 2002::/16, 6to4
    }
    if ((w0 & 0xfe00) == 0xfc00) {
      return Optional.of("unique-local"); // fc00::/7
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return Optional.of("link-local"); // fe80::/10
    }
    if ((w0 & 0xffc0) == 0xfec0) {
      return Optional.of("private"); // fec0::/10, site-local
    }
    if ((w0 & 0xff00) == 0xff00) {
      return Optional.of("multicast");
    }
    if (w0 == 0x2001 && (w1 == 0x0db8 || w1 == 0x0000)) {
      return Optional.of("reserved"); // documentation; Teredo, whose IPv4 is hidden
    }
    if (w0 == 0x0100 && w1 == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
      return Optional.of("reserved"); // 100::/64, discard
    }
    return Optional.empty();
  }

  private static byte[] slice(byte[] b, int from) {
    return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
  }
}
