package dev.gryt.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A block of IP addresses written as CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}) or one address
 * ({@code 192.0.2.7}, {@code ::1}): the proxies whose {@code X-Forwarded-For} the server believes.
 * Parsing never asks DNS: only literal addresses are accepted. An IPv4-mapped IPv6 address ({@code
 * ::ffff:192.0.2.7}) is the IPv4 address it maps.
 */
public record AddressRange(byte[] network, int prefixLength) {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /**
   * Parses {@code ADDRESS} or {@code ADDRESS/PREFIX}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static AddressRange parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an address range is ADDRESS or ADDRESS/PREFIX, not ''");
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    byte[] address =
        literal(host)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'" + text + "' is not an IPv4 or IPv6 address (or ADDRESS/PREFIX)"));
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
        throw new IllegalArgumentException(
            "the prefix of '" + text + "' must be a number from 0 to " + bits);
      }
      prefix = Integer.parseInt(p);
    }
    return new AddressRange(masked(address, prefix), prefix);
  }

  /** The bytes of a literal IPv4 or IPv6 address (4 or 16); empty for anything else. */
  public static Optional<byte[]> literal(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    if (IPV4.matcher(s).matches()) {
      return Optional.of(parsed(s));
    }
    if (s.indexOf(':') >= 0 && IPV6.matcher(s).matches()) {
      try {
        // A literal with a colon is parsed, never resolved.
        return Optional.of(InetAddress.getByName(s).getAddress());
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static byte[] parsed(String ipv4Literal) {
    try {
      return InetAddress.getByName(ipv4Literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a checked dotted quad always parses", e);
    }
  }

  /** Whether the literal address {@code text} lies in this range; false when it is no address. */
  public boolean contains(String text) {
    return literal(text).map(this::contains).orElse(false);
  }

  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    return java.util.Arrays.equals(masked(address, prefixLength), network);
  }

  private static byte[] masked(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressRange r
        && r.prefixLength == prefixLength
        && java.util.Arrays.equals(r.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes always make an address", e);
    }
  }
}
