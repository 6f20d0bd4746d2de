package dev.gryt.store;

/** A create named a resource that already exists (HTTP 409). */
public class AlreadyExistsException extends ConflictException {
  public AlreadyExistsException(String message) {
    super(message);
  }
}
