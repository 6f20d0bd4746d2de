package dev.gryt.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package of decisions ({@code dev.gryt.operator} itself) stays pure: no store, no driver, no
 * threads. What does I/O beside a decision (the repo probes, the agents, the drivers) lives in a
 * package of its own and depends on the decisions, never the other way round.
 */
@AnalyzeClasses(
    packages = "dev.gryt.operator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class DecisionBoundaryTest {
  @ArchTest
  static final ArchRule theDecisionsDoNoIo =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.operator")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gryt.store..",
              "dev.gryt.operator.loop..",
              "dev.gryt.operator.agents..",
              "dev.gryt.operator.k8s..",
              "dev.gryt.operator.probe..",
              "dev.gryt.operator.git..",
              "java.util.concurrent..");

  /** The probes serve both drivers, so they may use neither (nor the store the loop runs on). */
  @ArchTest
  static final ArchRule theProbesServeBothDrivers =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.operator.probe..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gryt.store..", "dev.gryt.operator.loop..", "dev.gryt.operator.k8s..");
}
