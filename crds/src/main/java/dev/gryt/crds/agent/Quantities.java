package dev.gryt.crds.agent;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes quantity notation (what pipelines declare) to what container engines take: CPU in
 * cores ({@code 500m} → {@code 0.5}), memory in bytes ({@code 512Mi} → {@code 536870912}).
 */
public final class Quantities {
  private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)([A-Za-z]*)");
  private static final Map<String, Long> MEMORY_UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("k", 1000L),
          Map.entry("K", 1000L),
          Map.entry("M", 1000L * 1000),
          Map.entry("G", 1000L * 1000 * 1000),
          Map.entry("T", 1000L * 1000 * 1000 * 1000),
          Map.entry("Ki", 1024L),
          Map.entry("Mi", 1024L * 1024),
          Map.entry("Gi", 1024L * 1024 * 1024),
          Map.entry("Ti", 1024L * 1024 * 1024 * 1024));

  private Quantities() {}

  /** Cores as a plain decimal ("0.5", "2"); empty when not a CPU quantity or zero. */
  public static Optional<String> cpuCores(String quantity) {
    Matcher m = CPU.matcher(quantity.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    BigDecimal value = new BigDecimal(m.group(1));
    if (!m.group(2).isEmpty()) {
      value = value.movePointLeft(3);
    }
    if (value.signum() <= 0) {
      return Optional.empty();
    }
    return Optional.of(value.stripTrailingZeros().toPlainString());
  }

  /** Bytes; empty when not a memory quantity, zero, or below 6 MiB (engines refuse less). */
  public static Optional<String> memoryBytes(String quantity) {
    Matcher m = MEMORY.matcher(quantity.trim());
    if (!m.matches() || !MEMORY_UNITS.containsKey(m.group(2))) {
      return Optional.empty();
    }
    BigDecimal bytes =
        new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(MEMORY_UNITS.get(m.group(2))));
    if (bytes.compareTo(BigDecimal.valueOf(6L * 1024 * 1024)) < 0) {
      return Optional.empty();
    }
    return Optional.of(bytes.toBigInteger().toString());
  }
}
