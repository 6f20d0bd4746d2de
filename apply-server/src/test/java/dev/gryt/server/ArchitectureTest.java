package dev.gryt.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's packages form layers: {@code http} (the envelope, typed errors, the caller) at the
 * bottom, {@code auth} and {@code apply} on it, the handlers of {@code dev.gryt.server} on those,
 * and {@link ApiServer}, which wires them, on top.
 */
@AnalyzeClasses(packages = "dev.gryt.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** Every package is its own slice: none may reach back to a package that reaches it. */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.gryt.(**)").should().beFreeOfCycles();

  /** Handlers answer through the envelope type, never through the class that wires the server. */
  @ArchTest
  static final ArchRule onlyTheWiringKnowsTheServer =
      noClasses()
          .that()
          .doNotBelongToAnyOf(ApiServer.class)
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(ApiServer.class);
}
