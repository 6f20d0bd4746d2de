package dev.gryt.helm;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** The chart in helm/gryt, rendered by Helm itself (helm-java's bundled native library). */
final class Chart {
  static final String RELEASE = "gryt";
  static final String NAMESPACE = "gryt-system";

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private Chart() {}

  /** The repository root: set by the module's Surefire configuration, else the parent folder. */
  static Path repoRoot() {
    String root = System.getProperty("gryt.repo.root");
    Path path = root != null ? Path.of(root) : Path.of("..");
    return path.toAbsolutePath().normalize();
  }

  static Path chartDir() {
    return repoRoot().resolve("helm/gryt");
  }

  static Helm helm() {
    return new Helm(chartDir());
  }

  /** `helm template` with the default values. */
  static List<HasMetadata> render() {
    return render(UnaryOperator.identity());
  }

  /** `helm template`, with the options the caller adds (set(...), withValuesFile(...)). */
  static List<HasMetadata> render(UnaryOperator<com.marcnuri.helm.TemplateCommand> options) {
    String yaml =
        options.apply(helm().template().withName(RELEASE).withNamespace(NAMESPACE)).call();
    return parse(yaml);
  }

  /** `helm template` with the values file of this module's test resources. */
  static List<HasMetadata> renderWithValues(String resource) {
    Path values = testResource(resource);
    return render(t -> t.withValuesFile(values));
  }

  static Path testResource(String name) {
    Path path = repoRoot().resolve("helm-test/src/test/resources").resolve(name);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("no test resource " + path);
    }
    return path;
  }

  /** Splits Helm's multi-document output and parses each manifest with fabric8. */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      boolean onlyComments =
          document.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
      if (!onlyComments) {
        objects.add(Serialization.unmarshal(document, HasMetadata.class));
      }
    }
    return objects;
  }

  static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    List<T> matches =
        ofType(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
    if (matches.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + " named " + name + ", found " + matches.size());
    }
    return matches.get(0);
  }
}
