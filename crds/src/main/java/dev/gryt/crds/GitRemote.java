package dev.gryt.crds;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git remote as git itself reads one: a URL ({@code https://}, {@code ssh://}, {@code git://},
 * {@code file://}), the scp-like {@code [user@]host:path}, a remote helper ({@code ext::cmd},
 * {@code fd::0}, {@code other::address}) or a local path. The server and the agent ask it what a
 * tenant's {@code git_url} would reach before anything connects: whether it is a network remote
 * (and to which host and port) or a local one, and whether a part could be read as a command-line
 * option by ssh.
 *
 * @param transport how git would reach it
 * @param user the user name, if any (percent-decoded)
 * @param host the host (percent-decoded, without IPv6 brackets); empty for local remotes
 * @param port the port, or the transport's default; -1 for local remotes
 */
public record GitRemote(Transport transport, String user, String host, int port) {
  /** How git reaches a remote. */
  public enum Transport {
    HTTP(80),
    HTTPS(443),
    SSH(22),
    GIT(9418),
    /** {@code file://} or a path: the server's (or the agent's) own disk. */
    LOCAL(-1),
    /** A remote helper ({@code ext::} runs a command) or a scheme git may hand to a helper. */
    HELPER(-1);

    private final int defaultPort;

    Transport(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    /** Whether the remote is reached over the network at {@link #host()}. */
    public boolean isNetwork() {
      return defaultPort > 0;
    }
  }

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$");
  private static final Pattern HELPER = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*::.*$");

  /**
   * What {@code url} is, or empty when it is blank or no remote at all. Like git, a {@code :}
   * before any {@code /} makes the scp-like form, anything else without a scheme is a local path.
   */
  public static Optional<GitRemote> parse(String url) {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String u = url.strip();
    if (HELPER.matcher(u).matches()) {
      return Optional.of(new GitRemote(Transport.HELPER, "", "", -1));
    }
    Matcher scheme = SCHEME.matcher(u);
    if (scheme.matches()) {
      Transport transport =
          switch (scheme.group(1).toLowerCase(Locale.ROOT)) {
            case "http" -> Transport.HTTP;
            case "https" -> Transport.HTTPS;
            case "ssh", "git+ssh", "ssh+git" -> Transport.SSH;
            case "git" -> Transport.GIT;
            case "file" -> Transport.LOCAL;
            default -> Transport.HELPER;
          };
      if (!transport.isNetwork()) {
        return Optional.of(new GitRemote(transport, "", "", -1));
      }
      String rest = scheme.group(2);
      int slash = rest.indexOf('/');
      return authority(transport, slash < 0 ? rest : rest.substring(0, slash), true);
    }
    int colon = u.indexOf(':');
    int slash = u.indexOf('/');
    if (colon > 0 && (slash < 0 || colon < slash || u.startsWith("["))) {
      // scp-like: [user@]host:path, or [user@][host]:path; the port cannot be given this way
      String authority;
      if (u.startsWith("[") || u.contains("@[")) {
        int close = u.indexOf(']');
        if (close < 0) {
          return Optional.empty();
        }
        authority = u.substring(0, close + 1);
      } else {
        authority = u.substring(0, colon);
      }
      return authority(Transport.SSH, authority, false);
    }
    return Optional.of(new GitRemote(Transport.LOCAL, "", "", -1));
  }

  private static Optional<GitRemote> authority(
      Transport transport, String authority, boolean mayHavePort) {
    String user = "";
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      user = authority.substring(0, at);
      int colon = user.indexOf(':');
      if (colon >= 0) {
        user = user.substring(0, colon); // user:password@ - the password is nobody's business here
      }
      authority = authority.substring(at + 1);
    }
    String host = authority;
    int port = transport.defaultPort;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = authority.substring(1, close);
      String after = authority.substring(close + 1);
      if (after.startsWith(":")) {
        portText = after.substring(1);
      } else if (!after.isEmpty()) {
        return Optional.empty();
      }
    } else if (mayHavePort && authority.indexOf(':') >= 0) {
      host = authority.substring(0, authority.indexOf(':'));
      portText = authority.substring(authority.indexOf(':') + 1);
    }
    if (portText != null && !portText.isEmpty()) {
      if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65535) {
        return Optional.empty();
      }
      port = Integer.parseInt(portText);
    }
    return Optional.of(new GitRemote(transport, decode(user), decode(host), port));
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Whether git would read the local disk or run a command for it, not talk to a host. */
  public boolean isLocal() {
    return !transport.isNetwork();
  }

  /**
   * What makes this remote unsafe to hand to git whoever gives it: a host or user that begins with
   * {@code -} (ssh would read it as an option, e.g. {@code -oProxyCommand=...}), or a network
   * remote without a host. Each as a sentence; empty when there is nothing.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (transport.isNetwork()) {
      if (host.isEmpty()) {
        problems.add("the URL names no host");
      } else if (host.startsWith("-")) {
        problems.add("the host must not start with '-'");
      } else if (!host.matches("[A-Za-z0-9._:%-]+")) {
        problems.add("the host may hold only letters, digits, '.', '-', '_' and ':'");
      }
      if (user.startsWith("-")) {
        problems.add("the user must not start with '-'");
      }
    }
    return problems;
  }

  /**
   * Why a tenant's namespace may not use this remote, beyond {@link #problems()}: git would read
   * the server's (or the agent's) own disk or run a command ({@code file://}, a path, {@code
   * ext::}), or the transport is one whose connection cannot be held to a checked address (ssh,
   * git://: the ssh program and JGit resolve the host themselves). Empty when a tenant may use it,
   * subject to the address check (TenantAddresses).
   */
  public Optional<String> tenantRefusal() {
    if (isLocal()) {
      return Optional.of(LOCAL_REFUSED);
    }
    if (transport != Transport.HTTP && transport != Transport.HTTPS) {
      return Optional.of(TRANSPORT_REFUSED);
    }
    return Optional.empty();
  }

  /** What a tenant reads when a local remote is refused. */
  public static final String LOCAL_REFUSED =
      "local repositories and remote helpers (file://, paths, ext::) are for the admin's"
          + " namespaces only";

  /** What a tenant reads when an ssh or git:// remote is refused. */
  public static final String TRANSPORT_REFUSED =
      "repositories of tenants are reached over https:// (or http://) only";

  /**
   * Why git may not reach {@code url} for a namespace: its problems, then, for a tenant's, the
   * tenant rule ({@link #tenantRefusal()}); empty when nothing stands in the way. The address check
   * comes after, when the host is resolved.
   */
  public static Optional<String> refusal(String url, boolean admin) {
    Optional<GitRemote> remote = parse(url);
    if (remote.isEmpty()) {
      return Optional.of("not a git remote");
    }
    List<String> problems = remote.get().problems();
    if (!problems.isEmpty()) {
      return Optional.of(String.join("; ", problems));
    }
    return admin ? Optional.empty() : remote.get().tenantRefusal();
  }

  /**
   * Every problem {@code url} has as a git remote (see {@link #problems()}), or one saying it is
   * none.
   */
  public static List<String> problemsOf(String url) {
    return parse(url).map(GitRemote::problems).orElse(List.of("not a git remote"));
  }
}
