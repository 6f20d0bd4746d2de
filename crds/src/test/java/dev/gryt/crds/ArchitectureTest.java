package dev.gryt.crds;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.fabric8.kubernetes.client.CustomResource;

/** The resource model stays pure: no database, no HTTP, no Kubernetes client machinery. */
@AnalyzeClasses(packages = "dev.gryt.crds", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noIoLibraries =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.crds..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.sql..",
              "java.net.http..",
              "javax.net..",
              "com.zaxxer..",
              "io.javalin..",
              "org.eclipse.jetty..",
              "okhttp3..");

  /** {@link CustomResource} is the base class of every kind; the rest of the client is not. */
  @ArchTest
  static final ArchRule noKubernetesClientBeyondCustomResource =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.crds..")
          .should()
          .dependOnClassesThat(
              DescribedPredicate.describe(
                  "are in io.fabric8.kubernetes.client.. other than CustomResource",
                  (JavaClass c) ->
                      c.getPackageName().startsWith("io.fabric8.kubernetes.client")
                          && !c.isEquivalentTo(CustomResource.class)));
}
