package dev.gryt.store;

/**
 * The backend refused a resource as invalid (HTTP 422): a Kubernetes API server's schema or name
 * rules, or a namespace this store does not serve.
 */
public class RejectedException extends StoreException {
  public RejectedException(String message) {
    super(message);
  }

  public RejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
