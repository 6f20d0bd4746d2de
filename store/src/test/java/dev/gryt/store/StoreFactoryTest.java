package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The URLs {@link StoreFactory} accepts and how it reports the ones it cannot open. */
class StoreFactoryTest {
  @TempDir Path directory;

  @Test
  void refusesUrlsItDoesNotKnowWithTheAcceptedForms() {
    for (String url :
        new String[] {"", "mysql://root@localhost/gryt", "gryt.db", "jdbc:h2:mem:x"}) {
      assertThatThrownBy(() -> StoreFactory.open(url))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sqlite:PATH")
          .hasMessageContaining("postgresql://")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void refusesAnInMemorySqliteDatabase() {
    assertThatThrownBy(() -> StoreFactory.open("sqlite::memory:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file path");
  }

  @Test
  void refusesABadEventRetention() {
    assertThatThrownBy(
            () -> StoreFactory.open("sqlite:" + directory.resolve("a.db") + "?eventRetention=0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eventRetention");
  }

  @Test
  void neverEchoesAPassword() {
    assertThatThrownBy(() -> StoreFactory.open("postgresql://gryt:s3cret@/"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    assertThat(StoreFactory.redacted("jdbc:postgresql://h/db?user=u&password=s3cret"))
        .doesNotContain("s3cret");
  }

  @Test
  void anUnreachableDatabaseIsAOneLineStoreException() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    assertThatThrownBy(() -> StoreFactory.open("postgresql://gryt:s3cret@127.0.0.1:1/gryt"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:1/gryt")
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("s3cret");
              assertThat(e.getCause()).isNull();
            });
  }

  @Test
  void aSqliteFileThatCannotBeCreatedIsAStoreException() throws Exception {
    Path notADirectory = directory.resolve("plain-file");
    java.nio.file.Files.writeString(notADirectory, "x");
    assertThatThrownBy(() -> StoreFactory.open("sqlite:" + notADirectory.resolve("gryt.db")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("plain-file");
  }

  @Test
  void refusesKubernetesUrlsWithoutAUsableSqlStore() {
    assertThatThrownBy(() -> StoreFactory.open("kubernetes:gryt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs sql=SQL_URL")
        .hasMessageContaining("kubernetes:[NAMESPACE[,NAMESPACE...]]?sql=SQL_URL");
    assertThatThrownBy(() -> StoreFactory.open("kubernetes:?sql="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after sql=");
    assertThatThrownBy(() -> StoreFactory.open("kubernetes:?sql=kubernetes:?sql=sqlite:x.db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SQLite or PostgreSQL");
    assertThatThrownBy(() -> StoreFactory.open("kubernetes:Not_A_Namespace?sql=sqlite:x.db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a namespace name");
    assertThatThrownBy(() -> StoreFactory.open("kubernetes:?context=x&sql=sqlite:x.db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameter(s) [context]");
    assertThatThrownBy(
            () -> StoreFactory.open("kubernetes:?sql=postgresql://gryt:s3cret@127.0.0.1:1/gryt"))
        .isInstanceOf(StoreException.class)
        .message()
        .doesNotContain("s3cret")
        .doesNotContain("\n");
  }

  @Test
  void kubernetesUrlsTakeTheSqlUrlVerbatimAfterSql() {
    StoreFactory.KubernetesUrl parsed =
        StoreFactory.KubernetesUrl.parse(
            "kubernetes:gryt?eventRetention=7&sql=postgresql://db/gryt?sslmode=require&user=x");
    assertThat(parsed.namespaces()).containsExactly("gryt");
    assertThat(parsed.eventRetention()).isEqualTo(7);
    assertThat(parsed.sqlUrl()).isEqualTo("postgresql://db/gryt?sslmode=require&user=x");
    assertThat(StoreFactory.KubernetesUrl.parse("kubernetes:?sql=sqlite:/tmp/x.db").namespaces())
        .as("no namespace: every namespace")
        .isEmpty();
    assertThat(
            StoreFactory.KubernetesUrl.parse("kubernetes:default,team-a?sql=sqlite:/tmp/x.db")
                .namespaces())
        .containsExactly("default", "team-a");
    assertThatThrownBy(() -> StoreFactory.KubernetesUrl.parse("kubernetes:a,,b?sql=sqlite:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'' in store URL");
  }
}
