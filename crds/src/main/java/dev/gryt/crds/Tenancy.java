package dev.gryt.crds;

import java.util.regex.Pattern;

/**
 * Whose a stored namespace is. The API server stores each account's namespaces under a tenant
 * prefix ({@code t<8 hex>-}, a team's {@code g<8 hex>-}); the bootstrap admin owns the plain ones.
 * Only the admin's namespaces may use what trusts the tenant: the unisolated process runner, server
 * environment variables as tokens, {@code file://} repositories and internal addresses.
 *
 * <p>The rule errs towards distrust: a plain namespace the admin happens to name like a tenant's is
 * treated as a tenant's, and a missing namespace is never the admin's.
 */
public final class Tenancy {
  private static final Pattern TENANT_PREFIX = Pattern.compile("^[tg][0-9a-f]{8}-.*");

  private Tenancy() {}

  /** Whether {@code storedNamespace} is one of the bootstrap admin's own namespaces. */
  public static boolean isAdminNamespace(String storedNamespace) {
    return storedNamespace != null
        && !storedNamespace.isEmpty()
        && !TENANT_PREFIX.matcher(storedNamespace).matches();
  }

  /** Whether {@code storedNamespace} belongs to a tenant (an account or a team), not the admin. */
  public static boolean isTenantNamespace(String storedNamespace) {
    return !isAdminNamespace(storedNamespace);
  }
}
