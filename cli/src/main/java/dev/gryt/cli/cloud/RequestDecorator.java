package dev.gryt.cli.cloud;

import java.net.http.HttpRequest;

/**
 * Adds to every request what the server needs beyond the request itself: the one place where
 * authentication (HTTP Basic, HMAC-signed API keys) plugs in.
 */
@FunctionalInterface
public interface RequestDecorator {
  /** Sends requests as they are. */
  RequestDecorator NONE = (builder, method, pathAndQuery, body) -> builder;

  /**
   * @param builder the request being built, URI and method already set
   * @param method e.g. {@code POST}
   * @param pathAndQuery what HMAC signatures cover, e.g. {@code /api/v1/apply?dryRun=true}
   * @param body the exact bytes sent (empty for none)
   */
  HttpRequest.Builder decorate(
      HttpRequest.Builder builder, String method, String pathAndQuery, byte[] body);
}
