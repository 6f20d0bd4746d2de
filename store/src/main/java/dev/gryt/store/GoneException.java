package dev.gryt.store;

/** The resourceVersion asked for is older than the event log keeps (HTTP 410). */
public class GoneException extends StoreException {
  public GoneException(String message) {
    super(message);
  }
}
