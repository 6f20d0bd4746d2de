package dev.gryt.cli.local;

/** The {@code sync_status} values of local records. */
public final class SyncStatus {
  public static final String NOT_SYNCED = "not_synced";
  public static final String SYNCING = "syncing";
  public static final String SYNCED = "synced";
  public static final String CONFLICT = "conflict";
  public static final String FAILED = "failed";

  private SyncStatus() {}
}
