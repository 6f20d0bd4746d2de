package dev.gryt.dashboard;

import dev.gryt.store.LogChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's output as numbered lines of styled text: ANSI SGR colours and bold become CSS classes,
 * every other escape sequence is dropped. Pure: chunks in, lines out. The text stays text: the
 * templates escape it.
 */
public final class LogLines {
  private static final Pattern ESCAPE = Pattern.compile("\u001b\\[([0-9;?]*)([A-Za-z])");
  private static final Pattern OTHER_CONTROLS = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f]");

  private LogLines() {}

  /** A piece of a line in one style ({@code css} is a list of class names, or empty). */
  public record Segment(String text, String css) {}

  /** One line of output: its number from 1 in the run, the step that wrote it, its pieces. */
  public record Line(long number, String step, boolean truncated, List<Segment> segments) {
    public String anchor() {
      return "L" + number;
    }
  }

  /**
   * The lines of {@code chunks}, numbered from {@code firstNumber}. A chunk is cut at each newline;
   * a chunk's last line without one is a line of its own (agents send whole lines).
   */
  static List<Line> of(List<LogChunk> chunks, long firstNumber) {
    List<Line> lines = new ArrayList<>();
    long n = firstNumber;
    for (LogChunk chunk : chunks) {
      Style style = new Style();
      String text = chunk.text();
      if (text.endsWith("\n")) {
        text = text.substring(0, text.length() - 1);
      }
      for (String raw : text.split("\r?\n", -1)) {
        // A carriage return redraws its line (progress bars): what was drawn last is what stays.
        if (raw.endsWith("\r")) {
          raw = raw.substring(0, raw.length() - 1);
        }
        int cr = raw.lastIndexOf('\r');
        if (cr >= 0) {
          raw = raw.substring(cr + 1);
        }
        lines.add(new Line(n++, chunk.step(), chunk.truncated(), style.segments(raw)));
      }
    }
    return lines;
  }

  /** The SGR state carried along a chunk. */
  private static final class Style {
    boolean bold;
    int fg = -1;
    int bg = -1;

    List<Segment> segments(String raw) {
      List<Segment> out = new ArrayList<>();
      Matcher m = ESCAPE.matcher(raw);
      int at = 0;
      while (m.find()) {
        add(out, raw.substring(at, m.start()));
        if (m.group(2).equals("m")) {
          apply(m.group(1));
        }
        at = m.end();
      }
      add(out, raw.substring(at));
      return out;
    }

    private void add(List<Segment> out, String text) {
      text = OTHER_CONTROLS.matcher(text).replaceAll("");
      if (!text.isEmpty()) {
        out.add(new Segment(text, css()));
      }
    }

    private void apply(String params) {
      if (params.isEmpty()) {
        params = "0";
      }
      for (String p : params.split(";")) {
        int code;
        try {
          code = p.isEmpty() ? 0 : Integer.parseInt(p);
        } catch (NumberFormatException e) {
          continue;
        }
        if (code == 0) {
          bold = false;
          fg = -1;
          bg = -1;
        } else if (code == 1) {
          bold = true;
        } else if (code == 22) {
          bold = false;
        } else if (code >= 30 && code <= 37) {
          fg = code - 30;
        } else if (code >= 90 && code <= 97) {
          fg = code - 90 + 8;
        } else if (code == 39) {
          fg = -1;
        } else if (code >= 40 && code <= 47) {
          bg = code - 40;
        } else if (code >= 100 && code <= 107) {
          bg = code - 100 + 8;
        } else if (code == 49) {
          bg = -1;
        }
      }
    }

    private String css() {
      StringBuilder b = new StringBuilder();
      if (bold) {
        b.append("ansi-bold");
      }
      if (fg >= 0) {
        b.append(b.isEmpty() ? "" : " ").append("ansi-fg-").append(fg);
      }
      if (bg >= 0) {
        b.append(b.isEmpty() ? "" : " ").append("ansi-bg-").append(bg);
      }
      return b.toString();
    }
  }
}
