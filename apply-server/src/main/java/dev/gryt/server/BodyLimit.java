package dev.gryt.server;

import dev.gryt.server.http.ApiException;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Refuses a request whose declared body is over the limit of its route (413) before any handler,
 * authentication included, reads a byte of it. The webhook trigger takes what GitHub may send
 * ({@link WebhookHandler#MAX_BODY_BYTES}); every other route takes what the largest apply needs:
 * one manifest source (4 MiB, the parser's own limit). A body sent without a length is bounded
 * while it is read ({@link ApiServer#MAX_REQUEST_BYTES}) and then by each route's own checks.
 */
final class BodyLimit {
  /** 4 MiB: the manifest parser's limit for one source, the largest body any API route needs. */
  static final long MAX_API_BYTES = 4L * 1024 * 1024;

  private BodyLimit() {}

  static void check(Context ctx) {
    long declared = ctx.contentLength();
    long limit = WebhookHandler.isPublic(ctx) ? WebhookHandler.MAX_BODY_BYTES : MAX_API_BYTES;
    if (declared > limit) {
      throw ApiException.tooLarge(
          String.format(
              Locale.ROOT,
              "request body is %.1f MiB; the limit is %d MiB",
              declared / (1024.0 * 1024.0),
              limit / (1024 * 1024)));
    }
  }
}
