package dev.gryt.crds.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Guards against the parser turning slow (a quadratic walk, per-document introspection). The target
 * is well under 50 ms for 1,000 warm documents, measured with {@link ManifestParserBenchmark#main};
 * the bound asserted here is looser because the build machines are shared two-core hosts where a
 * busy neighbour doubles any figure.
 */
class ManifestParserSpeedTest {
  private static final double REGRESSION_BOUND_MILLIS = 200.0;

  @Test
  void thousandDocumentsParseQuicklyOnceWarm() {
    byte[] input = ManifestParserBenchmark.thousandDocuments();

    double millis = ManifestParserBenchmark.bestMillis(input, 30, 20);

    System.out.printf(
        "ManifestParser: 1000 documents, %d KB: %.2f ms (target < 50 ms)%n",
        input.length / 1024, millis);
    assertThat(millis).isLessThan(REGRESSION_BOUND_MILLIS);
  }
}
