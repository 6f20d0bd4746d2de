package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {
  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.3.4, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "192.168.1.77/24, 192.168.1.1, true",
    "192.168.1.0/24, 192.168.2.1, false",
    "192.0.2.7, 192.0.2.7, true",
    "192.0.2.7, 192.0.2.8, false",
    "0.0.0.0/0, 198.51.100.1, true",
    "0.0.0.0/0, ::1, false",
    "::1, ::1, true",
    "::1, 0:0:0:0:0:0:0:1, true",
    "::1, [::1], true",
    "fd00::/8, fd12:3456::1, true",
    "fd00::/8, fe80::1, false",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/33, 2001:db8:8000::1, false",
    "::/0, 2001:db8::1, true",
    "::/0, 127.0.0.1, false",
    "127.0.0.1/32, ::ffff:127.0.0.1, true",
    "10.0.0.0/8, not-an-address, false",
    "10.0.0.0/8, 10.0.0.1:8080, false"
  })
  void containsAddressesOfItsFamilyUnderItsPrefix(String range, String address, boolean inside) {
    assertThat(AddressRange.parse(range).contains(address)).isEqualTo(inside);
  }

  @Test
  void normalizesTheNetworkAndPrintsAsCidr() {
    assertThat(AddressRange.parse("192.168.1.77/24")).hasToString("192.168.1.0/24");
    assertThat(AddressRange.parse(" 10.1.2.3 ")).hasToString("10.1.2.3/32");
    assertThat(AddressRange.parse("2001:db8::1/32").toString()).startsWith("2001:db8:0:0:");
    assertThat(AddressRange.parse("10.0.0.0/8")).isEqualTo(AddressRange.parse("10.9.9.9/8"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "example.com/24",
        "10.0.0.0/33",
        "::1/129",
        "10.0.0/8",
        "10.0.0.256",
        "10.0.0.0/-1",
        "10.0.0.0/",
        "10.0.0.0/8/8",
        "1.2.3.4.5",
        "::g",
        "010.0.0.1"
      })
  void refusesWhatIsNotALiteralRange(String text) {
    assertThatThrownBy(() -> AddressRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'");
  }

  @Test
  void believesForwardedForOnlyFromATrustedProxy() {
    ClientAddress behindProxy = new ClientAddress(List.of(AddressRange.parse("10.0.0.0/8")));
    // Straight from the client: its own header is ignored.
    assertThat(behindProxy.of("203.0.113.9", hops("1.1.1.1"))).isEqualTo("203.0.113.9");
    // Through the proxy: the hop the proxy appended, not what the client wrote before it.
    assertThat(behindProxy.of("10.0.0.2", hops("1.1.1.1, 203.0.113.9"))).isEqualTo("203.0.113.9");
    // Through two trusted proxies.
    assertThat(behindProxy.of("10.0.0.2", hops("203.0.113.9, 10.0.0.3"))).isEqualTo("203.0.113.9");
    // Two header lines count as one list.
    assertThat(behindProxy.of("10.0.0.2", hops("1.1.1.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    // Garbage where the address should be: the proxy's own address counts.
    assertThat(behindProxy.of("10.0.0.2", hops("evil"))).isEqualTo("10.0.0.2");
    assertThat(behindProxy.of("10.0.0.2", hops("203.0.113.9, junk"))).isEqualTo("10.0.0.2");
    // IPv6 clients.
    assertThat(behindProxy.of("10.0.0.2", hops("2001:db8::7"))).isEqualTo("2001:db8::7");
    // No proxy named: never believed.
    assertThat(ClientAddress.DIRECT.of("10.0.0.2", hops("1.1.1.1"))).isEqualTo("10.0.0.2");
  }

  private static java.util.Enumeration<String> hops(String... lines) {
    return Collections.enumeration(List.of(lines));
  }
}
