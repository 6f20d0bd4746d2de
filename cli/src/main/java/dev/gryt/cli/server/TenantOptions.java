package dev.gryt.cli.server;

import dev.gryt.cli.CliException;
import dev.gryt.server.Quotas;
import dev.gryt.server.auth.AccountSettings;
import dev.gryt.server.auth.AddressRange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code gryt server} that let strangers in and limit what each may hold: sign-up,
 * the proxies whose {@code X-Forwarded-For} is believed, and the per-account quotas.
 */
public final class TenantOptions {
  @Option(
      names = "--signup",
      paramLabel = "open|closed",
      description =
          "Whether anyone may create an account (default: open while the server listens on"
              + " loopback only, else closed; the admin can always create accounts).")
  String signup;

  @Option(
      names = "--trusted-proxy",
      paramLabel = "CIDR",
      description =
          "A reverse proxy whose X-Forwarded-For names the client, for login and sign-up limits"
              + " (repeatable; e.g. 10.0.0.0/8, ::1). Without one, the peer's address counts.")
  List<String> trustedProxies = new ArrayList<>();

  @Option(
      names = "--quota-runs",
      defaultValue = "10",
      description = "Unfinished runs one account may have at once (default: ${DEFAULT-VALUE}).")
  int quotaRuns;

  @Option(
      names = "--quota-objects",
      defaultValue = "1000",
      description =
          "Pipelines, repos, Jobs and Webhooks one account may store (default: ${DEFAULT-VALUE}).")
  int quotaObjects;

  @Option(
      names = "--quota-log-bytes",
      defaultValue = "1073741824",
      description =
          "Log one run of an account keeps; past it a marker line ends the log (default:"
              + " ${DEFAULT-VALUE}, 1 GiB).")
  long quotaLogBytes;

  /** Whether sign-up is open for a server bound to {@code host}. */
  boolean signupOpen(String host) {
    if (signup == null) {
      return loopbackOnly(host);
    }
    return switch (signup) {
      case "open" -> true;
      case "closed" -> false;
      default -> throw new CliException("invalid --signup " + signup + ": use open or closed");
    };
  }

  AccountSettings accountSettings(String host) {
    List<AddressRange> proxies = new ArrayList<>();
    for (String text : trustedProxies) {
      try {
        proxies.add(AddressRange.parse(text));
      } catch (IllegalArgumentException e) {
        throw new CliException("invalid --trusted-proxy: " + e.getMessage(), e);
      }
    }
    return AccountSettings.of(signupOpen(host), proxies);
  }

  Quotas quotas() {
    if (quotaRuns < 1 || quotaObjects < 1 || quotaLogBytes < 1) {
      throw new CliException(
          "--quota-runs, --quota-objects and --quota-log-bytes must be positive");
    }
    return new Quotas(quotaRuns, quotaObjects, quotaLogBytes);
  }

  /** The line the server prints about sign-up at start. */
  String signupLine(String host) {
    boolean open = signupOpen(host);
    String why =
        signup != null
            ? "--signup " + signup
            : open
                ? "the default while listening on loopback only; --signup closed to refuse"
                : "the default when other machines can connect; --signup open to allow";
    return "sign-up: " + (open ? "open" : "closed") + " (" + why + ")";
  }

  /** Whether {@code host} is a loopback address (a wildcard or a name other machines reach: no). */
  static boolean loopbackOnly(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    String h = host.strip();
    if ("localhost".equalsIgnoreCase(h)) {
      return true;
    }
    if (AddressRange.literal(h).isEmpty()) {
      return false;
    }
    try {
      return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
