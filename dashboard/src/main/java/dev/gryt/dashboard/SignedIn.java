package dev.gryt.dashboard;

import dev.gryt.server.http.Principal;

/**
 * The signed-in person of a dashboard request.
 *
 * @param account the account that signed in
 * @param acting whom the pages show: the account, or the team the session acts for
 * @param team the team's name; null when acting as the account
 * @param tokenHash the session's stored hash
 * @param csrf the token every state-changing request of this session must carry
 */
record SignedIn(Principal account, Principal acting, String team, String tokenHash, String csrf) {
  static final String ATTRIBUTE = "gryt.dashboard.signedIn";
}
