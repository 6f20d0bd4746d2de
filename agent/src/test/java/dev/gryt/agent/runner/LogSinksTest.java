package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogSinksTest {
  @Test
  void masksEverySecretLongestFirst() {
    List<String> out = new ArrayList<>();
    LogSink sink = MaskingLogSink.wrap(out::add, List.of("abc", "abcdef", "", "zz"));
    sink.line("token=abcdef other=abc zz zz");
    sink.line("clean");
    assertThat(out).containsExactly("token=*** other=*** *** ***", "clean");
  }

  @Test
  void noSecretsMeansNoWrapper() {
    LogSink next = line -> {};
    assertThat(MaskingLogSink.wrap(next, List.of(" ", ""))).isSameAs(next);
  }

  @Test
  void capWritesOneMarkerThenDrops() {
    List<String> out = new ArrayList<>();
    CappedLogSink sink = new CappedLogSink(out::add, 10);
    sink.line("1234"); // 5 bytes
    sink.line("5678"); // 10 bytes
    sink.line("x");
    sink.line("y");
    assertThat(out).containsExactly("1234", "5678", CappedLogSink.marker(10));
    assertThat(sink.truncated()).isTrue();
    assertThat(sink.droppedLines()).isEqualTo(2);
  }
}
