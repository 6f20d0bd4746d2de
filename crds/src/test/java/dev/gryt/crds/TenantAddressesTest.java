package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TenantAddressesTest {
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "::1, loopback",
    "0.0.0.0, unspecified",
    "0.1.2.3, unspecified",
    "::, unspecified",
    "10.0.0.5, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "fec0::1, private",
    "169.254.169.254, link-local",
    "fe80::1, link-local",
    "febf::1, link-local",
    "fc00::1, unique-local",
    "fd12:3456::1, unique-local",
    "100.64.0.1, shared",
    "224.0.0.1, multicast",
    "ff02::1, multicast",
    "255.255.255.255, reserved",
    "240.0.0.1, reserved",
    "198.18.0.1, reserved",
    "192.0.2.1, reserved",
    "2001:db8::1, reserved",
    "::ffff:127.0.0.1, loopback",
    "::ffff:10.1.2.3, private",
    "::ffff:169.254.169.254, link-local",
    "::127.0.0.1, loopback",
    "64:ff9b::a00:1, private",
    "2002:7f00:1::, loopback",
    "2002:a9fe:a9fe::1, link-local",
  })
  void internalAddressesAreNamed(String address, String kind) throws Exception {
    assertThat(TenantAddresses.internal(InetAddress.getByName(address))).contains(kind);
  }

  @ParameterizedTest
  @CsvSource({
    "140.82.112.3",
    "8.8.8.8",
    "172.32.0.1",
    "172.15.255.255",
    "100.128.0.1",
    "169.255.0.1",
    "2606:4700::1111",
    "2a00:1450:4001:81a::200e",
    "::ffff:140.82.112.3",
    "2002:8c52:7003::1",
  })
  void publicAddressesAreNot(String address) throws Exception {
    assertThat(TenantAddresses.internal(InetAddress.getByName(address))).isEmpty();
  }

  @Test
  void aHostIsRefusedWhenAnyOfItsAddressesIsInternal() throws Exception {
    Map<String, List<String>> dns =
        Map.of(
            "public.example", List.of("140.82.112.3", "2606:4700::1111"),
            "mixed.example", List.of("140.82.112.3", "10.0.0.5"),
            "metadata.example", List.of("169.254.169.254"));
    TenantAddresses.Resolver resolver =
        host -> {
          List<String> a = dns.get(host);
          if (a == null) {
            throw new UnknownHostException(host);
          }
          InetAddress[] all = new InetAddress[a.size()];
          for (int i = 0; i < all.length; i++) {
            all[i] = InetAddress.getByName(a.get(i));
          }
          return all;
        };
    assertThat(TenantAddresses.check("public.example", resolver))
        .containsExactly(
            InetAddress.getByName("140.82.112.3"), InetAddress.getByName("2606:4700::1111"));
    for (String host : List.of("mixed.example", "metadata.example")) {
      assertThatThrownBy(() -> TenantAddresses.check(host, resolver))
          .isInstanceOfSatisfying(
              TenantAddresses.Refused.class, r -> assertThat(r.addressRefused()).isTrue())
          .hasMessage(TenantAddresses.ADDRESS_REFUSED);
    }
    assertThatThrownBy(() -> TenantAddresses.check("nowhere.example", resolver))
        .isInstanceOfSatisfying(
            TenantAddresses.Refused.class, r -> assertThat(r.addressRefused()).isFalse())
        .hasMessage("repository not reachable");
  }

  @Test
  void literalsAndTheirOddSpellingsAreJudgedByTheAddressTheyMean() {
    for (String host : List.of("127.0.0.1", "::1", "0.0.0.0", "[::1]", "2130706433", "127.1")) {
      assertThatThrownBy(() -> TenantAddresses.check(host, TenantAddresses.DNS))
          .isInstanceOf(TenantAddresses.Refused.class);
    }
  }
}
