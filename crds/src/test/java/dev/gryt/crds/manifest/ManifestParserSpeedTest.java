package dev.gryt.crds.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestParserSpeedTest {
  @Test
  void thousandDocumentsParseWellUnderFiftyMillisecondsOnceWarm() {
    byte[] input = ManifestParserBenchmark.thousandDocuments();

    double millis = ManifestParserBenchmark.bestMillis(input, 30, 20);

    System.out.printf(
        "ManifestParser: 1000 documents, %d KB: %.2f ms%n", input.length / 1024, millis);
    assertThat(millis).isLessThan(50.0);
  }
}
