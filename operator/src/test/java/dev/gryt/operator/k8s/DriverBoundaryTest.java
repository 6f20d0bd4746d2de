package dev.gryt.operator.k8s;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * The line between the decisions and the Kubernetes driver: JOSDK and the fabric8 client are used
 * only in {@code dev.gryt.operator.k8s}, so the same reconcilers run unchanged on a SQL store.
 */
@AnalyzeClasses(
    packages = "dev.gryt.operator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class DriverBoundaryTest {
  @ArchTest
  static final ArchRule onlyTheKubernetesDriverUsesJosdk =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.operator..")
          .and()
          .resideOutsideOfPackage("dev.gryt.operator.k8s..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.javaoperatorsdk..");

  /** {@link CustomResource} is every kind's base class; the rest of the client is the driver's. */
  @ArchTest
  static final ArchRule onlyTheKubernetesDriverUsesTheClient =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.operator..")
          .and()
          .resideOutsideOfPackage("dev.gryt.operator.k8s..")
          .should()
          .dependOnClassesThat(
              DescribedPredicate.describe(
                  "are in io.fabric8.kubernetes.client.. other than CustomResource",
                  (JavaClass c) ->
                      c.getPackageName().startsWith("io.fabric8.kubernetes.client")
                          && !c.isEquivalentTo(CustomResource.class)));

  /** The driver adapts the decisions; it does not make its own (no store, no loop). */
  @ArchTest
  static final ArchRule theKubernetesDriverUsesNoStore =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.operator.k8s..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.gryt.store..", "dev.gryt.operator.loop..");
}
