package dev.gryt.crds.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantitiesTest {
  @ParameterizedTest
  @CsvSource({"500m,0.5", "2,2", "1.5,1.5", "250m,0.25", "1000m,1", "0,", "abc,", "1k,"})
  void cpu(String quantity, String cores) {
    assertThat(Quantities.cpuCores(quantity).orElse(null)).isEqualTo(cores);
  }

  @ParameterizedTest
  @CsvSource({
    "512Mi,536870912",
    "1Gi,1073741824",
    "64M,64000000",
    "1G,1000000000",
    "1Ki,",
    "12Xi,",
    "100,"
  })
  void memory(String quantity, String bytes) {
    assertThat(Quantities.memoryBytes(quantity).orElse(null)).isEqualTo(bytes);
  }
}
