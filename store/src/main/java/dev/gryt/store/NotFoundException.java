package dev.gryt.store;

/** The resource does not exist (HTTP 404). */
public class NotFoundException extends StoreException {
  public NotFoundException(String message) {
    super(message);
  }
}
