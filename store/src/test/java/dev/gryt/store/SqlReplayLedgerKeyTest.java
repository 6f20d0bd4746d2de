package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlReplayLedgerKeyTest {
  @Test
  void keysAreTheExpiryInThirteenHexDigitsThenTheSignature() {
    assertThat(SqlReplayLedger.key("key-1:ab12", 0x1234L)).isEqualTo("0000000001234/key-1:ab12");
    long now = 1_796_000_000_000L;
    assertThat(SqlReplayLedger.key("s", now))
        .isEqualTo(String.format("%013x/%s", now, "s"))
        .hasSize(15);
  }

  @Test
  void keysSortByExpiryWhateverTheSignature() {
    assertThat(SqlReplayLedger.key("zzz", 0xfffL)).isLessThan(SqlReplayLedger.key("aaa", 0x1000L));
  }
}
