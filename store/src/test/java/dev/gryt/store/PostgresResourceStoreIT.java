package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Pipeline;
import dev.gryt.store.TestDatabases.TestDatabase;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server ({@code gryt.test.pg}). */
class PostgresResourceStoreIT extends ResourceStoreContract {
  @Override
  protected TestDatabase newDatabase() {
    return TestDatabases.postgres();
  }

  @Test
  void opensThePostgresqlUrlFormAPersonTypes() {
    try (TestDatabase database = TestDatabases.postgres()) {
      // jdbc:postgresql://HOST:PORT/DB?user=USER → postgresql://USER@HOST:PORT/DB
      URI jdbc = URI.create(database.url().substring("jdbc:".length()));
      String user = jdbc.getQuery().replaceAll(".*user=([^&]*).*", "$1");
      String typed =
          "postgresql://" + user + "@" + jdbc.getHost() + ":" + jdbc.getPort() + jdbc.getPath();
      try (ResourceStore store = StoreFactory.open(typed)) {
        store.create(pipeline(null, "p", "x"));
      }
      try (ResourceStore store = StoreFactory.open(typed.replace("postgresql:", "postgres:"))) {
        assertThat(store.get(Pipeline.class, "default", "p")).isPresent();
      }
    }
  }
}
