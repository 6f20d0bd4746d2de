package dev.gryt.crds.manifest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns a source's bytes into text, refusing what is too large, binary or not UTF-8 before YAML
 * ever sees it, so those inputs get one clear problem instead of a scanner error.
 */
final class SourceText {
  /** Largest source accepted; a manifest set is a few KB, anything near this is a mistake. */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  /**
   * Longest run of characters without a space or line break. SnakeYAML's reader copies all it has
   * read of a token each time it reads 1,024 characters more, so a token costs the square of its
   * length: a single 4 MiB word took seconds of CPU per request. No field needs such a run (long
   * text has spaces or lines; a block scalar {@code |} keeps them).
   */
  static final int MAX_RUN_BYTES = 64 * 1024;

  private static final double MIB = 1024.0 * 1024.0;

  /** The decoded text, or the single problem that stopped decoding. */
  record Decoded(String text, Problem problem) {}

  private SourceText() {}

  static String tooLarge(long bytes) {
    return String.format(
        Locale.ROOT,
        "document is %.1f MiB; the limit is %d MiB",
        bytes / MIB,
        MAX_BYTES / (1024 * 1024));
  }

  static Decoded decode(String source, byte[] content) {
    if (content == null) {
      return failed(source, 1, "no content");
    }
    if (content.length > MAX_BYTES) {
      return failed(source, 1, tooLarge(content.length));
    }
    int start = 0;
    if (startsWith(content, 0xEF, 0xBB, 0xBF)) {
      start = 3; // a UTF-8 byte order mark is harmless; drop it
    } else if (startsWith(content, 0xFF, 0xFE) || startsWith(content, 0xFE, 0xFF)) {
      return failed(source, 1, "file is encoded as UTF-16; save it as UTF-8");
    }
    int run = 0;
    for (int i = start; i < content.length; i++) {
      byte b = content[i];
      if (b == 0) {
        return failed(
            source,
            lineAt(content, i),
            "binary content (NUL byte at byte offset "
                + i
                + "); a manifest must be UTF-8 YAML text");
      }
      run = b == ' ' || b == '\n' || b == '\r' || b == '\t' ? 0 : run + 1;
      if (run > MAX_RUN_BYTES) {
        return failed(
            source,
            lineAt(content, i),
            "more than "
                + MAX_RUN_BYTES / 1024
                + " KiB without a space or line break; break long text into lines (a block"
                + " scalar | keeps them)");
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content, start, content.length - start);
    CharBuffer out = CharBuffer.allocate(content.length - start);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      return failed(
          source,
          lineAt(content, offset),
          String.format(
              Locale.ROOT,
              "not valid UTF-8: byte 0x%02X at byte offset %d; save the file as UTF-8",
              content[offset] & 0xFF,
              offset));
    }
    out.flip();
    return new Decoded(out.toString(), null);
  }

  private static Decoded failed(String source, int line, String message) {
    return new Decoded(null, new Problem(source, line, "", message));
  }

  private static boolean startsWith(byte[] content, int... prefix) {
    if (content.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((content[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** 1-based line of the byte at {@code offset}. */
  static int lineAt(byte[] content, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < content.length; i++) {
      if (content[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
