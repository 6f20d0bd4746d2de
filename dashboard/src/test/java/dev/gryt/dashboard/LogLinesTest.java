package dev.gryt.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.dashboard.LogLines.Line;
import dev.gryt.dashboard.LogLines.Segment;
import dev.gryt.store.LogChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLinesTest {
  static LogChunk chunk(long seq, String step, String text) {
    return new LogChunk(seq, step, 1, text, false);
  }

  @Test
  void linesAreNumberedAcrossChunksFromTheGivenNumber() {
    List<Line> lines = LogLines.of(List.of(chunk(1, "build", "a\nb\n"), chunk(2, "test", "c")), 10);
    assertThat(lines).extracting(Line::number).containsExactly(10L, 11L, 12L);
    assertThat(lines).extracting(Line::step).containsExactly("build", "build", "test");
    assertThat(lines).extracting(Line::anchor).containsExactly("L10", "L11", "L12");
  }

  @Test
  void sgrColoursAndBoldBecomeClassesAndCarryAlongTheChunk() {
    List<Line> lines =
        LogLines.of(List.of(chunk(1, "s", "\u001b[1;31mred\nstill\u001b[0m plain\n")), 1);
    assertThat(lines.get(0).segments()).containsExactly(new Segment("red", "ansi-bold ansi-fg-1"));
    assertThat(lines.get(1).segments())
        .containsExactly(new Segment("still", "ansi-bold ansi-fg-1"), new Segment(" plain", ""));
    assertThat(
            LogLines.of(List.of(chunk(1, "s", "\u001b[92;44mx\u001b[39;49my")), 1)
                .get(0)
                .segments())
        .containsExactly(new Segment("x", "ansi-fg-10 ansi-bg-4"), new Segment("y", ""));
  }

  @Test
  void otherEscapesAndControlsAreDroppedAndMarkupStaysText() {
    List<Line> lines =
        LogLines.of(
            List.of(chunk(1, "s", "\u001b[2K\u001b[?25l<script>alert(1)</script>\u0007\n")), 1);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).segments())
        .containsExactly(new Segment("<script>alert(1)</script>", ""));
  }

  @Test
  void aCarriageReturnKeepsWhatWasDrawnLast() {
    assertThat(LogLines.of(List.of(chunk(1, "s", "10%\r50%\r100%\r\n")), 1).get(0).segments())
        .containsExactly(new Segment("100%", ""));
  }

  @Test
  void malformedSgrParametersAreIgnored() {
    assertThat(LogLines.of(List.of(chunk(1, "s", "\u001b[99999999999;31mx")), 1).get(0).segments())
        .containsExactly(new Segment("x", "ansi-fg-1"));
  }
}
