package dev.gryt.store;

/**
 * Opens a store from a URL a person types: {@code sqlite:PATH}, {@code
 * postgresql://USER@HOST:PORT/DB}, or a {@code jdbc:sqlite:}/{@code jdbc:postgresql:} URL.
 */
public final class StoreFactory {
  private StoreFactory() {}

  /**
   * Opens (creating and migrating as needed) the store at {@code url}.
   *
   * @throws IllegalArgumentException with a one-line cause when the URL is not understood
   */
  public static ResourceStore open(String url) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
