package dev.gryt.server.auth;

import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Principal;
import dev.gryt.store.Account;
import dev.gryt.store.AccountStore;
import dev.gryt.store.AlreadyExistsException;
import dev.gryt.store.Team;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Teams: accounts that own resources, generations, evolutions and runs together. A request that
 * names a team in {@value #HEADER} acts for it, when its caller is a member: it sees and changes
 * the team's objects exactly as an account sees its own, and nothing of the caller's own. Anyone
 * else naming the team gets 404, as for any object of another account.
 *
 * <p>Memberships are remembered for a short while, as keys are; removing a member on this server
 * forgets at once (other servers within {@link #CACHE_TTL}).
 */
public final class Teams {
  /** The request header that makes a request act for a team. */
  public static final String HEADER = "X-Gryt-Team";

  static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

  private final AccountStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ShortCache<Optional<Principal>> acting;

  public Teams(AccountStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.acting = new ShortCache<>(CACHE_TTL, clock);
  }

  /**
   * The principal a request by {@code caller} naming {@code teamName} acts as.
   *
   * @throws ApiException 404 when there is no such team or the caller is not in it (the same
   *     answer, so that names of other people's teams stay unknown)
   */
  public Principal actAs(Principal caller, String teamName) {
    String cacheKey = caller.accountId() + "\u0000" + teamName;
    Optional<Principal> principal = acting.get(cacheKey);
    if (principal == null) {
      principal =
          store
              .teamByName(teamName)
              .filter(t -> store.membership(t.id(), caller.accountId()).isPresent())
              .map(t -> new Principal(t.id(), caller.username(), t.tenantPrefix()));
      acting.put(cacheKey, principal);
    }
    return principal.orElseThrow(() -> ApiException.notFound(notFound(teamName)));
  }

  /**
   * Creates a team owned by {@code creator}.
   *
   * @throws ApiException 422 for a bad name, 409 when it is taken
   */
  public Team create(Principal creator, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ApiException.unprocessable(
          "1 problem(s) with the team",
          List.of(
              Map.of(
                  "path",
                  "name",
                  "message",
                  "must be 2 to 63 characters: lowercase letters, digits and '-', starting with a"
                      + " letter or digit")));
    }
    if (store.teamByName(name).isPresent()) {
      throw ApiException.conflict("team " + name + " already exists: choose another name");
    }
    for (int attempt = 0; ; attempt++) {
      String code = HexFormat.of().formatHex(bytes(4));
      try {
        // "g…-" never meets an account's "t…-": a team's namespaces are its own.
        return store.createTeam(
            new Team("team-" + code, name, "g" + code + "-", creator.accountId(), clock.instant()));
      } catch (AlreadyExistsException e) {
        if (store.teamByName(name).isPresent()) {
          throw ApiException.conflict("team " + name + " already exists: choose another name");
        }
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** The teams {@code caller} is in. */
  public List<Team> of(Principal caller) {
    return store.teamsOf(caller.accountId());
  }

  /** A team and the caller's place in it. */
  public record Membership(Team team, Team.Member member) {}

  /**
   * A team {@code caller} is in, with the caller's membership.
   *
   * @throws ApiException 404 otherwise
   */
  public Membership membership(Principal caller, String teamName) {
    Team team =
        store.teamByName(teamName).orElseThrow(() -> ApiException.notFound(notFound(teamName)));
    Team.Member member =
        store
            .membership(team.id(), caller.accountId())
            .orElseThrow(() -> ApiException.notFound(notFound(teamName)));
    return new Membership(team, member);
  }

  public List<Team.Member> members(Team team) {
    return store.members(team.id());
  }

  /**
   * Adds {@code username} to a team the caller owns (or changes its role).
   *
   * @throws ApiException 404 (no such team for the caller, or no such account), 403 when the caller
   *     is a member but not an owner, 409 when it would leave the team without an owner
   */
  public Team.Member put(Principal caller, String teamName, String username, Team.Role role) {
    Membership mine = membership(caller, teamName);
    requireOwner(mine.member(), "add members");
    Account account =
        store
            .accountByUsername(username)
            .orElseThrow(() -> ApiException.notFound("no account " + username));
    if (role != Team.Role.OWNER) {
      requireAnotherOwner(mine.team(), account.id());
    }
    Team.Member member = store.putMember(mine.team().id(), account.id(), role, clock.instant());
    forget(account.id(), teamName);
    return member;
  }

  /**
   * Removes {@code username} from a team: an owner removes anyone, a member only itself (leaving).
   *
   * @throws ApiException as {@link #put}
   */
  public void remove(Principal caller, String teamName, String username) {
    Membership mine = membership(caller, teamName);
    boolean self = caller.username().equals(username);
    if (!self) {
      requireOwner(mine.member(), "remove members");
    }
    Account account =
        store
            .accountByUsername(username)
            .orElseThrow(() -> ApiException.notFound("no account " + username));
    requireAnotherOwner(mine.team(), account.id());
    if (!store.removeMember(mine.team().id(), account.id())) {
      throw ApiException.notFound(username + " is not a member of team " + teamName);
    }
    forget(account.id(), teamName);
  }

  private void requireOwner(Team.Member me, String what) {
    if (me.role() != Team.Role.OWNER) {
      throw new ApiException(403, "only the team's owners can " + what, null);
    }
  }

  /** Refuses to take away the last owner: a team nobody can manage would be stuck. */
  private void requireAnotherOwner(Team team, String leavingAccountId) {
    List<String> owners =
        store.members(team.id()).stream()
            .filter(m -> m.role() == Team.Role.OWNER)
            .map(Team.Member::accountId)
            .toList();
    if (owners.equals(List.of(leavingAccountId))) {
      throw ApiException.conflict(
          "team " + team.name() + " would have no owner: make another member an owner first");
    }
  }

  private void forget(String accountId, String teamName) {
    acting.remove(accountId + "\u0000" + teamName);
  }

  private static String notFound(String teamName) {
    return "no team " + teamName + " (or you are not in it)";
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
