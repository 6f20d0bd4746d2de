package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TenancyTest {
  @ParameterizedTest
  @CsvSource({
    "default, true",
    "prod, true",
    "team-a, true",
    "t1a2b3c4d-default, false",
    "g0011aabb-ci, false",
    "t1a2b3c4d-, false",
    "tz1a2b3c4-x, true",
    "'', false",
  })
  void adminNamespacesArePlainOnes(String namespace, boolean admin) {
    assertThat(Tenancy.isAdminNamespace(namespace)).isEqualTo(admin);
    assertThat(Tenancy.isTenantNamespace(namespace)).isEqualTo(!admin);
  }

  @org.junit.jupiter.api.Test
  void noNamespaceIsNeverTheAdmins() {
    assertThat(Tenancy.isAdminNamespace(null)).isFalse();
  }
}
