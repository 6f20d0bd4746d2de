package dev.gryt.server.auth;

import io.javalin.http.Context;
import java.util.List;

/**
 * Who a request comes from, as far as the server can tell: the peer's address, or — only when the
 * peer is a proxy the admin named ({@code gryt server --trusted-proxy CIDR}) — the nearest address
 * in {@code X-Forwarded-For} that is not itself a trusted proxy. A client can put anything in that
 * header, so entries left of the first untrusted one are never believed.
 */
public final class ClientAddress {
  /** Believes no proxy: the peer's address is the client's. */
  public static final ClientAddress DIRECT = new ClientAddress(List.of());

  private final List<AddressRange> trustedProxies;

  public ClientAddress(List<AddressRange> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  /** The client's address for rate limits. */
  public String of(Context ctx) {
    return of(ctx.req().getRemoteAddr(), ctx.req().getHeaders("X-Forwarded-For"));
  }

  /**
   * Whether the request reached the server over TLS: directly, or through a trusted proxy that says
   * so in {@code X-Forwarded-Proto} (from anyone else that header is not believed).
   */
  public boolean overTls(Context ctx) {
    if ("https".equalsIgnoreCase(ctx.scheme())) {
      return true;
    }
    String proto = ctx.header("X-Forwarded-Proto");
    if (proto == null || trustedProxies.isEmpty() || !trusted(ctx.req().getRemoteAddr())) {
      return false;
    }
    // The nearest proxy's word: the last of a comma-separated list.
    String[] hops = proto.split(",");
    return "https".equalsIgnoreCase(hops[hops.length - 1].strip());
  }

  String of(String peer, java.util.Enumeration<String> forwardedHeaders) {
    if (trustedProxies.isEmpty() || !trusted(peer) || forwardedHeaders == null) {
      return peer;
    }
    List<String> hops = new java.util.ArrayList<>();
    while (forwardedHeaders.hasMoreElements()) {
      for (String hop : forwardedHeaders.nextElement().split(",")) {
        hops.add(hop.strip());
      }
    }
    String client = peer;
    // From the nearest hop outwards: each trusted proxy vouches for the hop it appended.
    for (int i = hops.size() - 1; i >= 0; i--) {
      if (AddressRange.literal(hops.get(i)).isEmpty()) {
        // Garbage (or a port, or a name) where an address should be: believe the hop that sent it.
        return client;
      }
      client = hops.get(i);
      if (!trusted(client)) {
        return client;
      }
    }
    return client;
  }

  private boolean trusted(String address) {
    var bytes = AddressRange.literal(address);
    return bytes.isPresent() && trustedProxies.stream().anyMatch(r -> r.contains(bytes.get()));
  }
}
