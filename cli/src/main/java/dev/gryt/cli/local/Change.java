package dev.gryt.cli.local;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * One change a generation promises.
 *
 * @param id {@code ABC-123}
 * @param type one of {@link #TYPES}
 */
public record Change(String id, String type, String title, String description) {
  public static final Pattern ID = Pattern.compile("^[A-Z]+-[0-9]+$");
  public static final Set<String> TYPES = Set.of("fix", "refine", "add", "remove");
}
