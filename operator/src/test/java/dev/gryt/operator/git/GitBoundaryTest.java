package dev.gryt.operator.git;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.net.UnknownHostException;
import org.eclipse.jgit.api.errors.TransportException;
import org.junit.jupiter.api.Test;

/**
 * JGit stays behind {@link dev.gryt.operator.RepoProbe}: only {@code dev.gryt.operator.git} talks
 * to git servers; the decisions and the drivers see probe results. And how JGit's failures read.
 */
@AnalyzeClasses(
    packages = "dev.gryt.operator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class GitBoundaryTest {
  @ArchTest
  static final ArchRule onlyTheProbeUsesJgit =
      noClasses()
          .that()
          .resideInAPackage("dev.gryt.operator..")
          .and()
          .resideOutsideOfPackage("dev.gryt.operator.git..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.eclipse.jgit..");

  @Test
  void aCauseReadsAsOneLineWithoutTheUrlAndNamesAnUnknownHost() {
    String url = "https://github.com/myorg/myapp";
    TransportException e =
        new TransportException(
            url + ": cannot open git-upload-pack",
            new org.eclipse.jgit.errors.TransportException(
                url + ": cannot open git-upload-pack", new UnknownHostException("github.com")));
    assertThat(JGitRepoProbe.causeOf(e, url))
        .isEqualTo("cannot open git-upload-pack: UnknownHostException github.com");
  }
}
