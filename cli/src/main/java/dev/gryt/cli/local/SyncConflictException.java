package dev.gryt.cli.local;

import dev.gryt.cli.CliException;

/** A push refused because the cloud holds the same version under another id. */
public final class SyncConflictException extends CliException {
  public SyncConflictException(String message) {
    super(message);
  }

  /** The message for a version the cloud already has as {@code remoteId}. */
  static String takenVersion(String version, String remoteId) {
    return "generation "
        + version
        + " already exists in the cloud as "
        + remoteId
        + ": take the cloud's with: gryt generation delete "
        + version
        + " --local-only && gryt sync pull; or keep yours under another version with: gryt"
        + " generation rename "
        + version
        + " NEW_VERSION && gryt sync push";
  }
}
