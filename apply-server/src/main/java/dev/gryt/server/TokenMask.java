package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials of well-known shapes in text that clients upload (proof runs' output): GitHub
 * tokens, AWS access keys, private-key blocks, gryt's own API keys and secrets, bearer and basic
 * authorization values, and {@code password=}/{@code token:} style assignments. It cannot know a
 * secret of no known shape; what it catches becomes {@value #MASK}.
 */
final class TokenMask {
  static final String MASK = "***";

  private static final List<Pattern> WHOLE =
      List.of(
          Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})"),
          Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
          Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"),
          Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}"),
          Pattern.compile(
              "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"));

  /** The value after a key that names a secret, up to the end of the word or quote. */
  private static final Pattern ASSIGNED =
      Pattern.compile(
          "(?i)((?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[A-Za-z_]*"
              + "[\"']?\\s*[:=]\\s*[\"']?)([^\\s\"',;]{4,})");

  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?i)(\\b(?:Bearer|Basic|token)\\s+)([A-Za-z0-9._~+/=-]{12,})");

  private TokenMask() {}

  /** A copy of {@code node} with every string in it masked (keys stay as they are). */
  static JsonNode maskTexts(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(mask(node.asText()));
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), maskTexts(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> copy.add(maskTexts(item)));
      return copy;
    }
    return node;
  }

  static String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String masked = text;
    for (Pattern pattern : WHOLE) {
      masked = pattern.matcher(masked).replaceAll(MASK);
    }
    masked = keepPrefix(ASSIGNED, masked);
    return keepPrefix(AUTHORIZATION, masked);
  }

  private static String keepPrefix(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String value = m.group(2);
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(1) + (MASK.equals(value) ? value : MASK)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
