package dev.gryt.dashboard;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The dashboard's scripts and styles, served from inside the jar. */
final class Assets {
  private static final Map<String, String> FILES =
      Map.of(
          "dashboard.css", "text/css; charset=utf-8",
          "dashboard.js", "text/javascript; charset=utf-8");

  private Assets() {}

  static void serve(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    String type = FILES.get(file);
    if (type == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such asset");
      return;
    }
    try (InputStream in = Assets.class.getResourceAsStream("assets/" + file)) {
      if (in == null) {
        throw new IllegalStateException("asset " + file + " is missing from the jar");
      }
      ctx.contentType(type).header("Cache-Control", "max-age=300").result(in.readAllBytes());
    }
  }
}
