package dev.gryt.dashboard;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the JTE templates, compiled to Java at build time ({@code jte-maven-plugin}): no template
 * compiler at run time. Every {@code ${...}} is HTML-escaped by JTE; no template uses {@code
 * $unsafe}.
 */
final class Views {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** Renders {@code template} with {@code params} as the response, with {@code status}. */
  void render(Context ctx, int status, String template, Map<String, Object> params) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html(template, params));
  }

  /** Renders {@code template} to a string (a fragment sent over server-sent events). */
  String html(String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    engine.render(template, params, out);
    return out.toString();
  }
}
