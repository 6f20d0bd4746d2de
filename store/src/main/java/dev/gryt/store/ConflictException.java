package dev.gryt.store;

/** A write carried a stale resourceVersion, or lost a race (HTTP 409). */
public class ConflictException extends StoreException {
  public ConflictException(String message) {
    super(message);
  }
}
