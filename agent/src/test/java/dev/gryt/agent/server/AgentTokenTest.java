package dev.gryt.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentTokenTest {
  @Test
  void acceptsOnlyItsOwnBearerHeader() {
    AgentToken token = AgentToken.random();

    assertThat(token.accepts("Bearer " + token.value())).isTrue();
    assertThat(token.accepts(null)).isFalse();
    assertThat(token.accepts("")).isFalse();
    assertThat(token.accepts("Bearer ")).isFalse();
    assertThat(token.accepts(token.value())).isFalse();
    assertThat(token.accepts("bearer " + token.value())).isFalse();
    assertThat(token.accepts("Bearer " + token.value() + "x")).isFalse();
    assertThat(token.accepts("Bearer " + token.value().substring(1))).isFalse();
    assertThat(token.accepts("Bearer " + AgentToken.random().value())).isFalse();
  }

  @Test
  void isRandomPerProcessAndNeverPrinted() {
    AgentToken one = AgentToken.random();
    AgentToken two = AgentToken.random();

    assertThat(one.value()).isNotEqualTo(two.value()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(one.toString()).doesNotContain(one.value()).isEqualTo("AgentToken[redacted]");
  }
}
