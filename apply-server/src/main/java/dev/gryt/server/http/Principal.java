package dev.gryt.server.http;

import io.javalin.http.Context;

/**
 * Who a request comes from, as the {@link Authenticator} established it. Handlers scope every read
 * and write to {@link #accountId()}: another account's objects answer 404.
 *
 * @param accountId the owning account's id ({@code acct-…}); the bootstrap admin is {@link
 *     #ADMIN_ID}
 * @param username what the person typed to log in
 * @param namespacePrefix what the store prefixes this account's namespaces with ({@code ""} for the
 *     admin, who owns the plain namespaces)
 */
public record Principal(String accountId, String username, String namespacePrefix) {
  /** The account {@code gryt server} bootstraps on first start; it owns the plain namespaces. */
  public static final String ADMIN_ID = "acct-admin";

  public static final Principal ADMIN = new Principal(ADMIN_ID, "admin", "");

  private static final String ATTRIBUTE = "gryt.principal";
  private static final String API_KEY_ATTRIBUTE = "gryt.apiKeyId";

  public boolean isAdmin() {
    return ADMIN_ID.equals(accountId);
  }

  /** Records who the request comes from; called by the authenticator. */
  public void attachTo(Context ctx) {
    ctx.attribute(ATTRIBUTE, this);
  }

  /**
   * Records that the request was signed with the API key {@code keyId}; called by the
   * authenticator.
   */
  public static void attachApiKey(Context ctx, String keyId) {
    ctx.attribute(API_KEY_ATTRIBUTE, keyId);
  }

  /** The id of the API key the request was signed with; null when it was not signed with one. */
  public static String apiKeyOf(Context ctx) {
    return ctx.attribute(API_KEY_ATTRIBUTE);
  }

  /** The authenticated caller; a route that reaches here unauthenticated is a bug (401). */
  public static Principal of(Context ctx) {
    Principal p = ctx.attribute(ATTRIBUTE);
    if (p == null) {
      throw new ApiException(401, "authentication required", null);
    }
    return p;
  }
}
